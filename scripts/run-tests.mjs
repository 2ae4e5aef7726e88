#!/usr/bin/env node
// `npm test`: typecheck, lint, then every test file under test/ on node's built-in runner (unit, workflow tests
// against real dev servers, replay of committed histories, OpenClaw's real loader, durability, the headless
// gateway, the browser). Arguments select test files instead of all of them:
// `npm test -- test/unit/gate-decide.test.ts` (then typecheck and lint are skipped).
//
// The heavy files (a whole OpenClaw gateway, processes killed on purpose) run after the others, one at a time:
// on two cores, running them next to other suites starves their event loops and turns load into failures.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (name) => join(repo, 'node_modules', '.bin', name);
const HEAVY = ['test/gateway/', 'test/durability/', 'test/browser/', 'test/e2e/'];

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    // test/cluster/ needs the native cluster (npm run test:cluster runs it).
    if (statSync(path).isDirectory()) return name === 'fixtures' || name === 'histories' || name === 'cluster' ? [] : findTests(path);
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

/** Runs node's test runner on `files`, echoing its output, and returns its pass/fail counts and exit code. */
function runTests(title, files, concurrency) {
  if (files.length === 0) return Promise.resolve({ passed: 0, failed: 0, code: 0 });
  process.stderr.write(`\n[test] ${title}: ${files.length} files\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('exit', (code) => {
      const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tail)?.[1] ?? 0);
      resolve({ passed: count('pass'), failed: count('fail'), code: code ?? 1 });
    });
  });
}

// Every client and worker the tests create encrypts payloads (the codec is on unless OPENCLAW_TEMPORAL_CODEC=off)
// with the committed test key, which the recorded histories use too; the workers the tests spawn inherit it.
process.env.OPENCLAW_TEMPORAL_KEY_FILE = join(repo, 'test', 'fixtures', 'payload-keys.json');
delete process.env.OPENCLAW_TEMPORAL_PAYLOAD_KEYS;

// `--cluster` (npm run test:cluster): the durability, gate, two-ledger-host and subagent-retry (two gateways, each
// with its own retries) workflow tests and the real-gateway gate file again, against a Temporal cluster on PostgreSQL (scripts/cluster/) instead of the dev server, plus the
// cluster's own fault tests (test/cluster/gateway-faults.test.ts: a real gateway while the Temporal server restarts
// and stops, PostgreSQL kept); one file at a time.
const CLUSTER_FILES = [
  'test/cluster/faults.test.ts', 'test/cluster/web-ui.test.ts', 'test/cluster/gateway-faults.test.ts', 'test/durability/gate-durability.test.ts',
  'test/workflow/gate.test.ts', 'test/workflow/ledger-hosts.test.ts', 'test/workflow/subagent-retry.test.ts', 'test/e2e/gate.test.ts',
];
const onCluster = process.argv.includes('--cluster');
if (onCluster) process.env.TEMPORAL_TARGET = 'cluster';
// `--faults` (npm run test:faults): the long files of the real-gateway suite — the fault injections (a 60 s Temporal
// stop, a Temporal restart, a worker kill, every inbound message twice: ~10 min), the budget acceptance (gateway
// and worker restarts across an 8-minute budget period: ~10 min), OpenClaw's restart path (`openclaw gateway
// restart` with a bound thread: ~4 min), the installed release tarballs (~6–9 min), the gateway's SIGTERM and
// kill -9 for usage rows, the gate's durability against worker and server restarts and the headless gateway
// (~7 min together). `npm test` keeps the short seeded chaos run, which injects the same kinds of fault; CI runs both.
const LONG_FILES = ['test/e2e/faults.test.ts', 'test/e2e/budget.test.ts', 'test/e2e/restart-path.test.ts', 'test/e2e/installed.test.ts', 'test/e2e/usage.test.ts', 'test/durability/gate-durability.test.ts', 'test/gateway/headless-gateway.test.ts'];
const onFaults = process.argv.includes('--faults');
const selected = onCluster ? CLUSTER_FILES : onFaults ? LONG_FILES : process.argv.slice(2);
if (selected.length === 0) {
  step('typecheck (tsc)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  step('lint (eslint: determinism, floating promises)', bin('eslint'), ['.']);
}
const files = selected.length > 0 ? selected : findTests(join(repo, 'test')).filter((f) => !LONG_FILES.includes(f.replaceAll('\\', '/'))).sort();
const isHeavy = (f) => HEAVY.some((prefix) => f.replaceAll('\\', '/').startsWith(prefix));
const concurrency = onCluster || onFaults ? '1' : (process.env.OPENCLAW_TEMPORAL_TEST_CONCURRENCY ?? '2');
const phases = [
  await runTests('tests', files.filter((f) => !isHeavy(f)), concurrency),
  await runTests('gateway, browser and durability tests (one at a time)', files.filter(isHeavy), '1'),
];
const passed = phases.reduce((n, p) => n + p.passed, 0);
const failed = phases.reduce((n, p) => n + p.failed, 0);
const ok = phases.every((p) => p.code === 0) && failed === 0;
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(ok ? 0 : 1);
