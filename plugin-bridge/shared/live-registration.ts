/**
 * One live plugin instance per gateway process. OpenClaw 2026.9.6 calls `register(api)` more than once: once in
 * `"full"` mode at startup (whose services it starts) and again in `"discovery"` mode when an agent run prepares
 * its tools — and the hooks of those later registrations are the ones that fire during agent turns. A plugin that
 * builds its Temporal client, caches and sender inside `register` therefore answers agent hooks from an instance
 * whose service never started ("the Temporal client service is not running"). Found by the end-to-end suite
 * (test/e2e), which drives real agent turns through a running gateway.
 *
 * The wrapper keeps the hooks of the latest `"full"` registration in a process-wide table; any other registration
 * in the same process registers the same hooks as thin forwarders to that table (no client, no service, as the
 * host's docs ask of discovery loads). Without a full registration in the process (CLI inspection), the plugin
 * registers as usual.
 */

type AnyHandler = (...args: unknown[]) => unknown;
type HookOn = (hook: string, handler: AnyHandler, opts?: object) => void;
interface LiveHook {
  readonly handler: AnyHandler;
  readonly opts: object | undefined;
}

const TABLE_KEY = Symbol.for('openclaw-temporal.live-hooks');

function liveTable(): Map<string, Map<string, LiveHook>> {
  const holder = globalThis as { [TABLE_KEY]?: Map<string, Map<string, LiveHook>> };
  holder[TABLE_KEY] ??= new Map();
  return holder[TABLE_KEY];
}

/** The minimal api shape the wrapper needs; the plugin's own api type passes through untouched. */
interface RegistrableApi {
  readonly registrationMode?: string;
  on(...args: never[]): void;
}

/** Wraps a plugin's `register` so that every registration in the process answers with the live (full) instance. */
export function withLiveRegistration<A extends RegistrableApi>(pluginId: string, register: (api: A) => void): (api: A) => void {
  return (api: A) => {
    const table = liveTable();
    const on = api.on.bind(api) as unknown as HookOn;
    const mode = api.registrationMode ?? 'full';
    if (mode === 'full') {
      const hooks = new Map<string, LiveHook>();
      table.set(pluginId, hooks);
      const recording = Object.create(api) as A;
      const recordingOn: HookOn = (hook, handler, opts) => {
        hooks.set(hook, { handler, opts });
        on(hook, handler, opts);
      };
      Object.defineProperty(recording, 'on', { value: recordingOn });
      register(recording);
      return;
    }
    const live = table.get(pluginId);
    if (live === undefined) {
      register(api);
      return;
    }
    for (const [hook, { opts }] of live) {
      on(hook, (...args: unknown[]) => table.get(pluginId)?.get(hook)?.handler(...args), opts);
    }
  };
}
