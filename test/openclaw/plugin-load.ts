/**
 * Loading one of our plugins into a test's OpenClaw host: a config the loader must refuse (naming the key, from the
 * manifest schema or our parser), or one it must accept, with the plugin's services started as a gateway would.
 */
import assert from 'node:assert/strict';
import type { LoadParams, LoadResult, OpenClawHost } from './host-client.ts';

/** Loads `plugin` with each config of `rejected` and asserts the loader refused it with an error matching its pattern. */
export async function assertConfigsRejected(host: OpenClawHost, plugin: Omit<LoadParams, 'pluginConfig'>, rejected: ReadonlyArray<readonly [Record<string, unknown>, RegExp]>): Promise<void> {
  for (const [pluginConfig, names] of rejected) {
    const loaded = await host.load({ ...plugin, pluginConfig });
    assert.equal(loaded.status, 'error', `${JSON.stringify(pluginConfig)} must be refused`);
    assert.match(loaded.error ?? '', names);
  }
}

/** Loads the plugin (it must load) and starts its services; `stateDir` as a gateway gives it. */
export async function loadAndStart(host: OpenClawHost, params: LoadParams, services: { readonly stateDir?: string } = {}): Promise<LoadResult> {
  const loaded = await host.load(params);
  assert.equal(loaded.status, 'loaded', loaded.error ?? '');
  await host.startServices(services);
  return loaded;
}
