// docs/architecture.md, checked against the code: every relative import of a production folder goes in an
// allowed direction (type imports included — a type is a dependency a newcomer has to follow too). The rules
// below are the table in that document; a forbidden import fails with the file, the import and the rule.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where an importing file lives → the repo paths it may import (prefixes). `<plugin>` is the importer's own plugin. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  workflows: ['workflows/'],
  activities: ['activities/', 'workflows/'],
  'plugin-bridge/shared': ['plugin-bridge/shared/', 'workflows/', 'activities/gateway'],
  'plugin-bridge/<plugin>': ['plugin-bridge/<plugin>/', 'plugin-bridge/shared/', 'workflows/', 'activities/gateway'],
  worker: ['worker/', 'workflows/', 'activities/', 'plugin-bridge/shared/codec/', 'plugin-bridge/shared/tracing.ts', 'scripts/paths.mjs'],
};

/** The rule that governs `file` (a repo path), and the plugin folder it belongs to, if any. */
function ruleOf(file: string): { rule: string; plugin?: string } | undefined {
  const [top, second] = file.split('/');
  if (top === 'plugin-bridge') return second === 'shared' ? { rule: 'plugin-bridge/shared' } : { rule: 'plugin-bridge/<plugin>', plugin: second };
  return top !== undefined && top in ALLOWED ? { rule: top } : undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(repo, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(repo, path)).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|mjs)$/.test(name) && !name.endsWith('.d.mts') ? [path.split(sep).join('/')] : [];
  });
}

/** Every relative module specifier of `source`: static imports and re-exports (type-only ones included). */
function relativeSpecifiers(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*'(\.[^']+)'/g)) found.push(match[1] ?? '');
  for (const match of source.matchAll(/(?:^|\n)\s*import\s*'(\.[^']+)'/g)) found.push(match[1] ?? '');
  return found;
}

/** Why `file` may not import `spec`, or undefined when it may (or no rule governs `file`). */
function violation(file: string, spec: string): string | undefined {
  const governed = ruleOf(file);
  if (!governed) return undefined;
  const allowed = (ALLOWED[governed.rule] ?? []).map((prefix) => prefix.replace('<plugin>', governed.plugin ?? ''));
  const target = relative(repo, resolve(repo, dirname(file), spec)).split(sep).join('/');
  return allowed.some((prefix) => target.startsWith(prefix)) ? undefined : `${file} → ${target} (${governed.rule} may import ${allowed.join(', ')})`;
}

/** The violations in `files`: `file → import (rule)`. */
function violations(files: readonly string[]): string[] {
  return files.flatMap((file) => relativeSpecifiers(readFileSync(join(repo, file), 'utf8')).flatMap((spec) => violation(file, spec) ?? []));
}

const PRODUCTION = ['workflows', 'activities', 'plugin-bridge', 'worker'];

test('every import of the production folders follows docs/architecture.md (type imports included)', () => {
  const files = PRODUCTION.flatMap(sourceFiles);
  assert.ok(files.length > 50, `found the production sources (${files.length})`);
  assert.deepEqual(violations(files), []);
});

test('the check sees type imports, re-exports and multi-line imports, and names the rule', () => {
  const source = "import type {\n  A,\n} from '../../plugin-bridge/usage-ledger/record.ts';\nexport { B } from './b.ts';\nimport './side.ts';\n";
  assert.deepEqual(relativeSpecifiers(source), ['../../plugin-bridge/usage-ledger/record.ts', './b.ts', './side.ts']);
});

test('a workflow importing from the bridge, or one plugin importing another, is reported', () => {
  const rule = (file: string, spec: string) => violation(file, spec) === undefined;
  assert.equal(rule('workflows/usage/decide.ts', '../../plugin-bridge/usage-ledger/extract.ts'), false);
  assert.equal(rule('activities/usage-ledger.ts', '../plugin-bridge/usage-ledger/extract.ts'), false);
  assert.equal(rule('plugin-bridge/lorene-gate/config.ts', '../orchestrator/config.ts'), false);
  assert.equal(rule('plugin-bridge/lorene-gate/config.ts', '../shared/errors.ts'), true);
  assert.equal(rule('workflows/usage/decide.ts', './usage-record.ts'), true);
});
