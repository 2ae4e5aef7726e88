/**
 * The openclaw-temporal release this code belongs to, and how a worker announces it. The plugins and the worker
 * ship in step (one version in package.json, the packed plugins and the worker image); the worker puts its version
 * in its Temporal worker identity, where a plugin reads it at service start (see plugin-bridge/shared/version-check.ts). Declared here because both sides read it.
 */
/** This release; package.json's `version` (test/unit/version.test.ts and `npm run pack` keep them equal). */
export const OPENCLAW_TEMPORAL_VERSION = '0.1.0';

const MARK = 'openclaw-temporal@';

/**
 * The identity a worker of this release polls with: the SDK's default `<pid>@<host>` (tests and operators find a
 * worker process by it), then `openclaw-temporal@<version>`.
 */
export function workerIdentity(version: string, pid: number, host: string): string {
  return `${pid}@${host} ${MARK}${version}`;
}

/** The version a worker identity announces, or null for a worker that does not announce one. */
export function versionOfIdentity(identity: string): string | null {
  const at = identity.lastIndexOf(` ${MARK}`);
  if (at < 0) return null;
  const version = identity.slice(at + MARK.length + 1).trim();
  return version === '' ? null : version;
}
