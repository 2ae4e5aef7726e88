/**
 * A child process's output in one log file: stdout and stderr are appended as they come, and the file is ended
 * once the process has closed both — not when the first of them ends, which would make a late chunk of the other
 * throw "write after end".
 */
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/** Appends `child`'s stdout and stderr to `logFile`; resolves once the process has closed them and the file is flushed. */
export function logChildOutput(child: ChildProcess, logFile: string): Promise<void> {
  const log = createWriteStream(logFile, { flags: 'a' });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  return new Promise((resolve) => child.once('close', () => log.end(resolve)));
}
