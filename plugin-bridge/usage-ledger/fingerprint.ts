/**
 * A fingerprint of a whole hook payload for usage event ids. Unlike `rawJson` (cut to stay small) it reads every
 * key, every item and every string in full, so two payloads that differ anywhere — a long assistant text that
 * differs after its first 2000 characters, the 201st key — get different fingerprints, and a payload delivered
 * twice gets the same one. Walks iteratively (no stack overflow on deep payloads) and never throws.
 */
import { createHash, type Hash } from 'node:crypto';

/** A step of the walk: a value to hash, or leaving an object (for cycle detection on the current path). */
type Step = { readonly value: unknown } | { readonly leave: object };

/** Hashes a leaf-like object (binary data, a date); false for a container whose children must be walked. */
function hashLeafObject(hash: Hash, value: object): boolean {
  if (ArrayBuffer.isView(value)) hash.update(`v${value.byteLength}:`).update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else if (value instanceof Date) hash.update(`d${value.getTime()};`);
  else return false;
  return true;
}

/** Hashes a container's header and schedules its children, then leaving it. */
function hashContainer(hash: Hash, value: object, push: (step: Step) => void): void {
  const steps: Step[] = [];
  if (Array.isArray(value)) {
    hash.update(`a${value.length}[`);
    for (const item of value as unknown[]) steps.push({ value: item });
  } else {
    const keys = Object.keys(value);
    hash.update(`o${keys.length}{`);
    for (const key of keys) {
      let child: unknown;
      try {
        child = Reflect.get(value, key);
      } catch {
        child = Symbol.for('unreadable'); // a throwing getter is fingerprinted as "unreadable", consistently
      }
      steps.push({ value: `k:${key}` }, { value: child });
    }
  }
  push({ leave: value });
  for (let i = steps.length - 1; i >= 0; i--) push(steps[i] as Step);
}

/** 32 hex characters (128 bits of SHA-256) over the payload's full content. */
export function payloadFingerprint(payload: unknown): string {
  const hash = createHash('sha256');
  const path = new Set<object>();
  const stack: Step[] = [{ value: payload }];
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    if ('leave' in step) {
      path.delete(step.leave);
      hash.update('}');
      continue;
    }
    const value = step.value;
    if (typeof value === 'string') hash.update(`s${value.length}:`).update(value);
    else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') hash.update(`${(typeof value).charAt(0)}${String(value)};`);
    else if (typeof value === 'symbol') hash.update(`y${value.description ?? ''};`);
    else if (value === null || value === undefined || typeof value === 'function') hash.update(value === null ? 'z' : 'u');
    else if (path.has(value)) hash.update('c'); // a cycle back to an ancestor
    else {
      try {
        if (hashLeafObject(hash, value)) continue;
        path.add(value);
        hashContainer(hash, value, (s) => stack.push(s));
      } catch {
        hash.update('!'); // a hostile proxy (ownKeys trap throwing)
        stack.push({ leave: value });
      }
    }
  }
  return hash.digest('hex').slice(0, 32);
}
