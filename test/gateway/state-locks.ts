/**
 * The one thing an OpenClaw sandbox leaves outside its own folders: lock files per state database in a fixed
 * folder under /tmp, whatever TMPDIR says. Knowing their names lets a test remove exactly its own.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

/** A state database's lock files and the shared folder they sit in. */
export interface StateLocks {
  readonly dir: string;
  readonly files: readonly string[];
}

/**
 * OpenClaw keeps three lock files per state database in /tmp/openclaw-state-locks-<uid>, named by the first 8 hex
 * digits of the SHA-256 of the database path (`<state dir>/state/openclaw.sqlite`). Call while the state dir exists.
 */
export function stateLockFiles(stateDir: string): StateLocks {
  const uid = process.getuid?.();
  const dir = join('/tmp', uid === undefined ? 'openclaw-state-locks' : `openclaw-state-locks-${uid}`);
  const database = join(realpathSync(stateDir), 'state', 'openclaw.sqlite');
  const hash = createHash('sha256').update(database).digest('hex').slice(0, 8);
  return { dir, files: ['state-lifecycle', 'gateway-lifecycle', 'state-handles'].map((family) => join(dir, `${family}.${hash}.lock.sqlite`)) };
}

/** Removes the lock files, and their folder when no other run still has locks in it. */
export async function removeStateLocks(locks: StateLocks): Promise<void> {
  await Promise.all(locks.files.map((file) => rm(file, { force: true })));
  await rmdir(locks.dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOTEMPTY' && err.code !== 'ENOENT' && err.code !== 'EEXIST') throw err; // another run's locks remain
  });
}
