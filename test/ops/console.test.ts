// The console an operator sees: `npm run worker` (worker/main.ts) and `npm start` (worker/start.ts, here against
// an explicit service so it starts no dev server of its own) on a real terminal — a pseudo-terminal from
// util-linux `script` — print readable lines; piped, or with `--json`, JSON lines. The SDK's "No activities
// registered" notices, expected in this set-up, never show as warnings (they are kept at debug).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTestServer, tempDir } from '../helpers/temporal.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/**
 * Runs `entry` until it has logged "worker running" (or the banner), then stops it as a user does: Ctrl-C on the
 * terminal (the pseudo-terminal turns it into SIGINT), SIGINT when piped.
 */
function runUntilReady(entry: string, args: readonly string[], options: { tty: boolean; env: NodeJS.ProcessEnv }): Promise<Run> {
  const command = [process.execPath, '--import', 'tsx', entry, ...args];
  const child = options.tty
    ? // `exec`: no shell stays between the terminal and the program. A shell that waits (dash, the /bin/sh `script`
      // uses when SHELL is unset) takes the Ctrl-C too and exits 130 however cleanly the program stopped.
      spawn('script', ['-q', '-e', '-c', `exec ${command.map((a) => `'${a}'`).join(' ')}`, '/dev/null'], { cwd: repo, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(command[0]!, command.slice(1), { cwd: repo, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (options.tty) child.stdin.write('\u0003');
    else child.kill('SIGINT');
  };
  const ready = (text: string) => /worker running|openclaw-temporal is running/.test(text);
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    if (ready(stdout)) stop();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (ready(stderr)) stop();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      // The terminal echoes the Ctrl-C as "^C": it is not the program's output.
      resolve({ stdout: stdout.replace(ANSI, '').replace(/\r/g, '').replace(/\^C/g, ''), stderr, code });
    }),
  );
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('the console of npm start and npm run worker', () => {
  let server: TestWorkflowEnvironment;
  const data = tempDir('openclaw-temporal-console');
  let env: NodeJS.ProcessEnv;

  before(async () => {
    server = await startTestServer();
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_|NODE_TEST_CONTEXT$|NODE_OPTIONS$|OPENCLAW_TEMPORAL_LOG_)/.test(k)));
    env = { ...inherited, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default', OPENCLAW_TEMPORAL_DATA_DIR: data.dir, OPENCLAW_TEMPORAL_CODEC_PORT: '0' };
  });

  after(async () => {
    await server?.teardown();
    data.cleanup();
  });

  test('npm run worker on a terminal: readable lines, no JSON, no SDK warning', async () => {
    const run = await runUntilReady('worker/main.ts', [], { tty: true, env });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: worker running \{"namespace":"default"/m);
    assert.match(run.stdout, /INFO: worker stopped$/m);
    assert.doesNotMatch(run.stdout, /^\{"level"/m);
    assert.doesNotMatch(run.stdout, /WARN/);
    assert.doesNotMatch(run.stdout, /No (activities|workflows|Nexus services) registered/);
  });

  test('npm run worker piped: one JSON object per line, the SDK notices at debug, not warn', async () => {
    const run = await runUntilReady('worker/main.ts', [], { tty: false, env: { ...env, OPENCLAW_TEMPORAL_LOG_LEVEL: 'debug' } });
    assert.equal(run.code, 0, run.stderr);
    const entries = lines(run.stdout).map((l) => JSON.parse(l) as { level: number; msg: string });
    assert.ok(entries.some((e) => e.msg === 'worker running' && e.level === 30));
    const notices = entries.filter((e) => /^No (activities|workflows) registered/.test(e.msg));
    assert.equal(notices.length, 2, JSON.stringify(entries));
    assert.deepEqual(
      notices.map((e) => e.level),
      [20, 20],
    );
    assert.equal(entries.filter((e) => e.level >= 40).length, 0, JSON.stringify(entries.filter((e) => e.level >= 40)));
  });

  test('npm run worker -- --json on a terminal, and OPENCLAW_TEMPORAL_LOG_FORMAT=json: JSON lines', async () => {
    for (const [args, extra] of [[['--json'], {}], [[], { OPENCLAW_TEMPORAL_LOG_FORMAT: 'json' }]] as const) {
      const run = await runUntilReady('worker/main.ts', args, { tty: true, env: { ...env, ...extra } });
      assert.equal(run.code, 0, run.stdout);
      const entries = lines(run.stdout).map((l) => JSON.parse(l) as { msg: string });
      assert.ok(entries.some((e) => e.msg === 'worker running'));
    }
  });

  test('npm start on a terminal: the banner and readable lines; piped: stdout is JSON only, the banner on stderr', async () => {
    const tty = await runUntilReady('worker/start.ts', [], { tty: true, env });
    assert.equal(tty.code, 0, tty.stdout);
    assert.match(tty.stdout, /^openclaw-temporal is running\.$/m);
    assert.match(tty.stdout, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: stopped$/m);
    assert.doesNotMatch(tty.stdout, /^\{"level"/m);
    const piped = await runUntilReady('worker/start.ts', [], { tty: false, env });
    assert.equal(piped.code, 0, piped.stderr);
    assert.match(piped.stderr, /^openclaw-temporal is running\.$/m);
    const entries = lines(piped.stdout).map((l) => JSON.parse(l) as { msg: string });
    assert.ok(entries.some((e) => e.msg === 'stopped'));
  });
});
