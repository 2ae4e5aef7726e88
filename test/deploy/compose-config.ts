/**
 * docker-compose.yml as Docker Compose itself reads it: Debian's `docker-compose config` validates the file
 * against the Compose schema, resolves anchors, merges and `${VAR}` defaults, and prints the result, which is
 * parsed with the YAML module docker-compose itself depends on (python3-yaml). No Docker engine is needed.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** One service as `docker-compose config` normalises it (the fields the checks read). */
export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile?: string };
  readonly environment?: Readonly<Record<string, string | null>>;
  readonly ports?: ReadonlyArray<string | { readonly published?: string | number; readonly target?: number; readonly host_ip?: string }>;
  readonly volumes?: ReadonlyArray<string | { readonly source?: string; readonly target?: string; readonly type?: string }>;
  readonly healthcheck?: { readonly test?: readonly string[] | string };
  readonly depends_on?: Readonly<Record<string, { readonly condition?: string }>>;
  readonly entrypoint?: readonly string[] | string;
  /** Started only when one of these profiles is asked for (`docker compose --profile <name> up`). */
  readonly profiles?: readonly string[];
}

export interface ComposeConfig {
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
}

/** Why `docker-compose config` cannot be run here, or null when it can. */
export function composeMissing(): string | null {
  const probe = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) return "no docker-compose here: install Debian's docker-compose (apt-get install -y docker-compose)";
  const yaml = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
  return yaml.status === 0 ? null : 'python3-yaml (a dependency of docker-compose) is missing';
}

/** A clean environment: the user's own COMPOSE_* or POSTGRES_PASSWORD must not change what is checked. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(COMPOSE_|DOCKER_|POSTGRES_)/.test(key)));
}

/**
 * Runs `docker-compose config` on one file or several merged in order (`-f a -f b`), with `env` added to the clean
 * environment; throws with its stderr when it rejects them.
 */
export function composeConfig(files: string | readonly string[] = 'docker-compose.yml', env: Readonly<Record<string, string>> = {}): ComposeConfig {
  const list = typeof files === 'string' ? [files] : files;
  const config = spawnSync('docker-compose', [...list.flatMap((file) => ['-f', file]), 'config'], { cwd: REPO, encoding: 'utf8', env: { ...cleanEnv(), ...env } });
  if (config.status !== 0) throw new Error(`docker-compose config rejected ${list.join(' + ')}:\n${config.stderr}`);
  const json = spawnSync('python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: config.stdout,
    encoding: 'utf8',
  });
  if (json.status !== 0) throw new Error(`cannot parse the docker-compose config output: ${json.stderr}`);
  return JSON.parse(json.stdout) as ComposeConfig;
}

/** The host ports a service publishes (`127.0.0.1:8080:8080` → 8080). */
export function publishedPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((p) => Number(typeof p === 'string' ? (p.split(':').at(-2) ?? p).split('/')[0] : p.published));
}

/** `source → target` of a service's mounts. */
export function mounts(service: ComposeService): Array<{ source: string; target: string }> {
  return (service.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { source: v.source ?? '', target: v.target ?? '' };
    const [source = '', target = ''] = v.split(':');
    return { source, target };
  });
}
