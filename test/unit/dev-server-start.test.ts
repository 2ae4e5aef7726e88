/**
 * Starting the embedded dev server when the CLI loses one of the ports it picked for itself, and the ports our
 * tests pick. The CLI stand-in below is a fake (a shell script): the real race — another process binding the
 * port the CLI chose for its history service a moment before the server does — cannot be forced on demand. The
 * stand-in fails the way the real server then does (its log line, exit code 2) and otherwise runs the real CLI.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { temporalCliPath } from '../../scripts/paths.mjs';
import { ephemeralPortStart, freePort, portOpen } from '../../scripts/ports.ts';
import { DevServerError, startDevServer } from '../../worker/dev-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'openclaw-temporal-dev-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A CLI stand-in that fails its first `failures` starts with `message` and exit `code`, then runs the real CLI. */
function standIn(name: string, failures: number, message: string, code: number): { cli: string; starts: () => number } {
  const counter = join(dir, `${name}.starts`);
  writeFileSync(counter, '');
  const cli = join(dir, `${name}.sh`);
  writeFileSync(
    cli,
    [
      '#!/bin/sh',
      `echo x >> '${counter}'`,
      `if [ "$(wc -l < '${counter}')" -le ${failures} ]; then echo '${message}' >&2; exit ${code}; fi`,
      `exec '${temporalCliPath()}' "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(cli, 0o755);
  return { cli, starts: () => readFileSync(counter, 'utf8').split('\n').filter(Boolean).length };
}

const LOST = 'level=ERROR msg="Failed to start gRPC listener" error="listen tcp 127.0.0.1:41234: bind: address already in use" service=history';

test('a start that lost one of the CLI’s own ports is tried again, on the same port, and the server serves', async () => {
  const { cli, starts } = standIn('lost-once', 1, LOST, 2);
  const port = await freePort();
  const logFile = join(dir, 'lost-once.log');
  const server = await startDevServer({ cliPath: cli, dbFile: join(dir, 'lost-once.db'), logFile, port, uiPort: null });
  try {
    assert.equal(starts(), 2);
    assert.equal(server.address, `127.0.0.1:${port}`);
    assert.equal(await portOpen('127.0.0.1', port), true);
    assert.match(readFileSync(logFile, 'utf8'), /Failed to start gRPC listener/, 'the failed attempt stays in the log');
  } finally {
    await server.stop();
  }
});

test('a start that keeps losing its ports gives up after three attempts with the log named', async () => {
  const { cli, starts } = standIn('lost-always', 99, LOST, 2);
  const logFile = join(dir, 'lost-always.log');
  await assert.rejects(
    startDevServer({ cliPath: cli, dbFile: join(dir, 'lost-always.db'), logFile, port: await freePort(), uiPort: null }),
    (err: unknown) => err instanceof DevServerError && err.early && err.logFile === logFile && /exited early \(code 2\)/.test(err.message),
  );
  assert.equal(starts(), 3);
});

test('any other early exit is reported at once, not retried', async () => {
  const { cli, starts } = standIn('bad-flag', 99, 'Error: unknown flag: --frobnicate', 1);
  await assert.rejects(
    startDevServer({ cliPath: cli, dbFile: join(dir, 'bad-flag.db'), logFile: join(dir, 'bad-flag.log'), port: await freePort(), uiPort: null }),
    (err: unknown) => err instanceof DevServerError && /exited early \(code 1\)/.test(err.message),
  );
  assert.equal(starts(), 1);
});

test('the ports tests pick lie below the kernel’s ephemeral range, where bind(0) never hands them out', async () => {
  const start = ephemeralPortStart();
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    assert.ok(port > 1024 && port < Math.min(start, 32_768), `port ${port} below ${start}`);
  }
  const range = join(dir, 'range');
  writeFileSync(range, '40000\t60999\n');
  assert.equal(ephemeralPortStart(range), 40_000);
  assert.equal(ephemeralPortStart(join(dir, 'missing')), 32_768);
});
