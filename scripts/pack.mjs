// `npm run pack [-- --out <dir>]`: the installable artifacts of one release, in dist/ (gitignored):
//   dist/openclaw-temporal-<plugin>-<version>.tgz   one OpenClaw plugin package per plugin (`openclaw plugins install <tgz>`)
//   dist/openclaw-temporal-<version>.tgz            the worker and ops CLI (`npx openclaw-temporal worker`, the Dockerfile)
// A plugin package is self-contained JavaScript: esbuild bundles its sources, the workflow contracts it imports and
// the pure-JS Temporal client into dist/index.js (and dist/chunks/: code it imports on demand, such as tracing), so
// installing it needs no npm registry. Only the orchestrator
// declares a runtime dependency: its gateway activity worker needs the Temporal worker SDK (native core), which
// OpenClaw installs with npm when it installs the archive. One package per plugin, not one package with four
// entries: OpenClaw names the entries of a multi-entry package `<package id>/<entry>`, which would change every
// `plugins.entries.<id>` key the originals' configs use.
// Plain JS on purpose: it runs on the project's Node 20 before anything is built.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { OPENCLAW_VERSION } from './openclaw-host.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const rootPackage = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const version = rootPackage.version;

/** The plugins, and the packages each loads from its own node_modules instead of its bundle. */
export const PLUGINS = {
  'lorene-gate': { external: [] },
  // One copy of the Temporal SDK for the worker and the client it shares payload converters and failures with.
  orchestrator: { external: ['@temporalio/worker', '@temporalio/client', '@temporalio/common', '@temporalio/envconfig', '@temporalio/proto'] },
  'token-audit': { external: [] },
  'usage-ledger': { external: [] },
};

/** What the worker package ships (package.json `files`): the worker, the ops CLI and the sources they run. */
const WORKER_FILES = rootPackage.files;

/** The `openclaw` block of a plugin's package.json: the built entry and the host it is built and tested for. */
function openclawMetadata() {
  return {
    extensions: ['./dist/index.js'],
    compat: { pluginApi: `>=${OPENCLAW_VERSION}`, minGatewayVersion: OPENCLAW_VERSION },
    build: { openclawVersion: OPENCLAW_VERSION, pluginSdkVersion: OPENCLAW_VERSION },
  };
}

function pluginPackageJson(id, external) {
  const source = JSON.parse(readFileSync(join(repo, 'plugin-bridge', id, 'package.json'), 'utf8'));
  const dependencies = Object.fromEntries(external.map((name) => [name, rootPackage.dependencies[name]]));
  return {
    name: source.name,
    version,
    description: source.description ?? `${id} for OpenClaw, durable on Temporal (part of openclaw-temporal).`,
    license: rootPackage.license,
    type: 'module',
    main: './dist/index.js',
    files: ['dist/', 'openclaw.plugin.json', 'README.md'],
    engines: { node: '>=22' },
    ...(external.length > 0 ? { dependencies } : {}),
    openclaw: openclawMetadata(),
  };
}

function pluginReadme(id, manifest) {
  return `# ${manifest.name} (\`${id}\`) ${version}\n\n${manifest.description}\n\nPart of openclaw-temporal ${version}: run the worker of the same version (\`npx openclaw-temporal worker\`).\n\n    openclaw plugins install openclaw-temporal-${id}-${version}.tgz\n`;
}

function npmPack(dir, destination) {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], { cwd: dir, encoding: 'utf8' });
  const [packed] = JSON.parse(out);
  return join(destination, packed.filename);
}

async function packPlugin(id, { external }, stageRoot, destination) {
  const stage = join(stageRoot, id);
  const manifest = JSON.parse(readFileSync(join(repo, 'plugin-bridge', id, 'openclaw.plugin.json'), 'utf8'));
  if (manifest.version !== version) throw new Error(`plugin-bridge/${id}/openclaw.plugin.json has version ${manifest.version}, package.json ${version}`);
  await build({
    entryPoints: [join(repo, 'plugin-bridge', id, 'index.ts')],
    // dist/index.js, and a chunk for what is imported only on demand: OpenTelemetry tracing (loaded when the
    // OTEL_* variables turn it on, plugin-bridge/shared/deferred-tracing.ts) costs nothing at load when it is off.
    outdir: join(stage, 'dist'),
    entryNames: 'index',
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external,
    // Bundled CommonJS (gRPC, protobufjs) requires Node's built-ins; an ES module has no `require` of its own.
    banner: { js: "import { createRequire as __ocRequire } from 'node:module';\nconst require = __ocRequire(import.meta.url);" },
    legalComments: 'linked',
    logLevel: 'warning',
  });
  // The SDK loads the failure converter by path (`failureConverterPath`, issue 18), next to the bundle: a CommonJS
  // file of its own, with what it needs bundled (or, for the orchestrator, the same external Temporal packages).
  await build({
    entryPoints: [join(repo, 'plugin-bridge', 'shared', 'codec', 'failure-converter.cjs')],
    outfile: join(stage, 'dist', 'failure-converter.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  writeFileSync(join(stage, 'openclaw.plugin.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(pluginPackageJson(id, external), null, 2)}\n`);
  const readme = join(repo, 'plugin-bridge', id, 'README.md');
  writeFileSync(join(stage, 'README.md'), existsSync(readme) ? readFileSync(readme, 'utf8') : pluginReadme(id, manifest));
  return npmPack(stage, destination);
}

/** The worker package: the files of package.json `files`, its dependencies locked by the repository's lockfile. */
function packWorker(stageRoot, destination) {
  const stage = join(stageRoot, 'openclaw-temporal');
  mkdirSync(stage, { recursive: true });
  for (const file of WORKER_FILES) cpSync(join(repo, file), join(stage, file), { recursive: true });
  const { scripts: _scripts, devDependencies: _dev, ...published } = rootPackage;
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  // npm never packs package-lock.json, but installs a package's npm-shrinkwrap.json: the same tree as this checkout.
  cpSync(join(repo, 'package-lock.json'), join(stage, 'npm-shrinkwrap.json'));
  cpSync(join(repo, 'README.md'), join(stage, 'README.md'));
  return npmPack(stage, destination);
}

/** `--out <dir>`: where the tarballs go (default dist/; tests pack into their own temp dir). */
function destinationOf(argv) {
  const at = argv.indexOf('--out');
  return at >= 0 && argv[at + 1] ? resolve(argv[at + 1]) : join(repo, 'dist');
}

async function main() {
  const destination = destinationOf(process.argv.slice(2));
  mkdirSync(destination, { recursive: true });
  const stageRoot = join(destination, 'stage');
  rmSync(stageRoot, { recursive: true, force: true });
  mkdirSync(stageRoot, { recursive: true });
  const tarballs = [];
  for (const [id, options] of Object.entries(PLUGINS)) tarballs.push(await packPlugin(id, options, stageRoot, destination));
  tarballs.push(packWorker(stageRoot, destination));
  rmSync(stageRoot, { recursive: true, force: true });
  process.stdout.write(`${tarballs.join('\n')}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
