/**
 * Ports for the servers our tests, bench and cluster start. A port is picked at random below the kernel's
 * ephemeral range and checked free: ports the OS hands out for `bind(0)` are the ones the Temporal dev server
 * takes for its internal services (and every outgoing connection takes too), so a port picked there can be
 * taken again by another process before our server binds it — the dev server then dies at start. Temporal also
 * stores membership ports in a SQL `smallint` column (cluster_membership.rpc_port), another reason to stay low.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export { portOpen } from '../worker/dev-server.ts';

/** The first port of the kernel's ephemeral range (`ip_local_port_range`), 32768 where it cannot be read. */
export function ephemeralPortStart(file = '/proc/sys/net/ipv4/ip_local_port_range'): number {
  try {
    const first = Number(readFileSync(file, 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 1024 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A TCP port on `host` that was free a moment ago, at random between 20000 (or lower) and the ephemeral range. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const high = Math.min(ephemeralPortStart(), 32_768);
  const low = Math.max(1_025, high - 12_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await canListen(port, host)) return port;
  }
  throw new Error(`no free port between ${low} and ${high}`);
}
