/**
 * An OpenClaw-host stack ({@link withOpenClawHost}) whose plugins reach Temporal through a TCP proxy the test
 * switches — `forward`, `refuse` (a stopped server) or `blackhole` (a dead host): an outage on demand.
 */
import { startTcpProxy, type ProxyMode, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { started } from '../helpers/started.ts';
import { withOpenClawHost, type HostStack } from './with-host.ts';

/** The stack and its proxy (give the plugin `proxy.address` as its `temporalAddress`). */
export interface ProxiedTemporal {
  readonly stack: HostStack;
  /** Throws before the file's `before` hooks have run. */
  readonly proxy: TcpProxy;
}

/** Registers the file's host lifecycle with a dev server behind a proxy that starts in `mode`. */
export function withProxiedTemporal(mode: ProxyMode): ProxiedTemporal {
  let proxy: TcpProxy | undefined;
  const stack = withOpenClawHost({
    temporal: true,
    started: async ({ env, onTeardown }) => {
      const started = await startTcpProxy(env.address, mode);
      proxy = started;
      onTeardown(() => started.close());
    },
  });
  return {
    stack,
    get proxy() {
      return started(proxy, 'the TCP proxy');
    },
  };
}
