/**
 * What the Dockerfiles built from packed packages read: the release version, the tarball names `npm run pack`
 * writes, and the sources a Dockerfile copies (its `ARG` defaults filled in).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLUGINS } from '../../scripts/pack.mjs';
import { REPO } from './compose-config.ts';

/** The gateway example, merged over docker-compose.yml. */
export const GATEWAY_COMPOSE = 'docker-compose.gateway.yml';
/** What the gateway example requires from the environment. */
export const GATEWAY_ENV: Readonly<Record<string, string>> = { OPENCLAW_GATEWAY_TOKEN: 'compose-config-check' };

/** package.json's version: the release every artifact carries. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The plugin tarballs `npm run pack` writes for `version`. */
export function pluginTarballs(version: string): string[] {
  return Object.keys(PLUGINS).map((id) => `openclaw-temporal-${id}-${version}.tgz`);
}

/** `ARG NAME=default` lines of a Dockerfile. */
export function dockerfileArgs(path: string): Record<string, string> {
  const text = readFileSync(join(REPO, path), 'utf8');
  return Object.fromEntries([...text.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
}

/** The sources of a Dockerfile's `COPY` lines (not `--from` stages), `${ARG}` replaced by the ARG defaults. */
export function dockerfileCopies(path: string): string[] {
  const args = dockerfileArgs(path);
  const text = readFileSync(join(REPO, path), 'utf8');
  return [...text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] ?? '').split(' ').map((source) => source.replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? `\${${name}}`)));
}
