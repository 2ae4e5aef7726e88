/**
 * A TCP proxy in front of the dev server that a test switches between the outages a gateway really meets:
 * `forward` (Temporal reachable), `refuse` (connections are cut at once, like a stopped server) and `blackhole`
 * (connections are accepted and never answered, like a dead host behind a load balancer).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'forward' | 'refuse' | 'blackhole';

export interface TcpProxy {
  /** `127.0.0.1:<port>`, for `temporalAddress`. */
  readonly address: string;
  /** Switches the mode; every open connection is cut, so clients see the change at once. */
  setMode(mode: ProxyMode): void;
  close(): Promise<void>;
}

/** Starts a proxy to `target` (`host:port`) in `mode`. */
export async function startTcpProxy(target: string, mode: ProxyMode): Promise<TcpProxy> {
  const [host = '127.0.0.1', port = '7233'] = target.split(':');
  const sockets = new Set<Socket>();
  let current = mode;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy()); // a cut connection: both ends are closed below
  };
  const server: Server = createServer((client) => {
    track(client);
    if (current === 'refuse') return void client.destroy();
    if (current === 'blackhole') return; // accepted, never answered
    const upstream = createConnection({ host, port: Number(port) });
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    address: `127.0.0.1:${address.port}`,
    setMode(next) {
      current = next;
      cutAll();
    },
    async close() {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
