// The live-registration wrapper: OpenClaw registers a plugin again in "discovery" mode and fires agent hooks on
// that registration; its hooks must answer with the full registration's handlers (whose services started).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLiveRegistration } from '../../plugin-bridge/shared/live-registration.ts';

interface FakeApi {
  readonly registrationMode?: string;
  readonly hooks: Map<string, (event: unknown) => unknown>;
  on(hook: string, handler: (event: unknown) => unknown, opts?: object): void;
  registerService(service: { id: string }): void;
}

function fakeApi(registrationMode: string, services: string[]): FakeApi {
  const hooks = new Map<string, (event: unknown) => unknown>();
  return { registrationMode, hooks, on: (hook, handler) => void hooks.set(hook, handler), registerService: (s) => void services.push(`${registrationMode}:${s.id}`) };
}

test('a discovery registration forwards every hook to the live full registration and builds nothing', () => {
  let instances = 0;
  const services: string[] = [];
  const register = withLiveRegistration(`test-plugin-${Date.now()}`, (api: FakeApi) => {
    const instance = ++instances;
    api.registerService({ id: 'svc' });
    api.on('llm_output', () => `instance ${instance}`);
  });
  const full = fakeApi('full', services);
  register(full);
  const discovery = fakeApi('discovery', services);
  register(discovery);
  assert.equal(instances, 1, 'discovery builds no second instance');
  assert.deepEqual(services, ['full:svc']);
  assert.equal(discovery.hooks.get('llm_output')?.({}), 'instance 1');
  register(fakeApi('full', services)); // a later full load (in-process restart) becomes the live one
  assert.equal(discovery.hooks.get('llm_output')?.({}), 'instance 2');
});

test('without a full registration in the process (CLI inspection) the plugin registers as usual', () => {
  let registered = 0;
  const register = withLiveRegistration(`cli-plugin-${Date.now()}`, (api: FakeApi) => {
    registered += 1;
    api.on('llm_output', () => 'own');
  });
  const api = fakeApi('discovery', []);
  register(api);
  assert.equal(registered, 1);
  assert.equal(api.hooks.get('llm_output')?.({}), 'own');
});
