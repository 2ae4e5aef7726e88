#!/usr/bin/env node
// `npm test`: typecheck, lint, then every test file under test/ on node's built-in runner (unit, workflow tests
// against real dev servers, replay of committed histories, OpenClaw's real loader, durability). Arguments select
// test files instead of all of them: `npm test -- test/unit/gate-decide.test.ts` (then typecheck and lint are skipped).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (name) => join(repo, 'node_modules', '.bin', name);

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' || name === 'histories' ? [] : findTests(path);
    return name.endsWith('.test.ts') ? [relative(repo, path)] : [];
  });
}

function step(title, cmd, args) {
  process.stderr.write(`\n[test] ${title}\n`);
  const result = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`[test] ${title} failed\n`);
    process.exit(result.status ?? 1);
  }
}

const selected = process.argv.slice(2);
if (selected.length === 0) {
  step('typecheck (tsc)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  step('lint (eslint: determinism, floating promises)', bin('eslint'), ['.']);
}
const files = selected.length > 0 ? selected : findTests(join(repo, 'test')).sort();
const concurrency = process.env.OPENCLAW_TEMPORAL_TEST_CONCURRENCY ?? '2';
step(`${files.length} test files`, process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files]);
