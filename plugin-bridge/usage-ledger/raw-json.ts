/**
 * The `raw_json` column of a usage row: the hook payload as plain, bounded JSON. Payloads are untrusted shapes
 * (cycles, huge strings, throwing getters, hostile proxies): the copy never throws and never outgrows its bound.
 */

/** Upper bound of `rawJson`, in UTF-16 code units: a ledger row must stay small whatever the payload. */
export const RAW_JSON_MAX_CHARS = 64 * 1024;
const MAX_STRING = 2000;
const MAX_ENTRIES = 200;
const MAX_DEPTH = 24;

interface Budget {
  nodes: number;
  chars: number;
}

/** Copies `value` into plain JSON data, bounded in depth, width, string length, total nodes and total text. */
function sanitize(value: unknown, depth: number, ancestors: object[], budget: Budget): unknown {
  if (typeof value === 'string') {
    if ((budget.chars -= Math.min(value.length, MAX_STRING)) < 0) return '[Truncated]';
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…[+${value.length - MAX_STRING} chars]` : value;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean' || value === null) return value;
  if (typeof value !== 'object') return undefined; // undefined, functions and symbols are dropped, as JSON does
  if (ancestors.includes(value)) return '[Circular]';
  if (depth >= MAX_DEPTH || --budget.nodes < 0) return '[Truncated]';
  try {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    if (ArrayBuffer.isView(value)) return `[binary ${value.byteLength} bytes]`;
    ancestors.push(value);
    const child = (v: unknown): unknown => sanitize(v, depth + 1, ancestors, budget);
    try {
      if (Array.isArray(value)) {
        const items = value.slice(0, MAX_ENTRIES).map((v: unknown) => child(v) ?? null);
        return value.length > MAX_ENTRIES ? [...items, `[+${value.length - MAX_ENTRIES} items]`] : items;
      }
      const out: Record<string, unknown> = value instanceof Error ? { name: value.name, message: child(value.message) } : {};
      const keys = Object.keys(value);
      for (const key of keys.slice(0, MAX_ENTRIES)) {
        let v: unknown;
        try {
          v = child(Reflect.get(value, key));
        } catch {
          v = '[Unreadable]'; // a throwing getter costs one field, not the row
        }
        if (v !== undefined) out[key] = v;
      }
      if (keys.length > MAX_ENTRIES) out['[truncated]'] = `+${keys.length - MAX_ENTRIES} keys`;
      return out;
    } finally {
      ancestors.pop();
    }
  } catch {
    return '[Unreadable]'; // a hostile proxy (ownKeys or getPrototypeOf trap throwing)
  }
}

/**
 * JSON for the ledger's `raw_json` column that never throws and never exceeds {@link RAW_JSON_MAX_CHARS}:
 * cycles become `"[Circular]"`, long strings are cut, and an oversized result is replaced by valid JSON
 * `{ truncated, chars, head }` holding its beginning.
 */
export function safeJson(value: unknown, maxChars: number = RAW_JSON_MAX_CHARS): string {
  const json = JSON.stringify(sanitize(value, 0, [], { nodes: 5000, chars: 2 * maxChars }) ?? null);
  if (json.length <= maxChars) return json;
  let headChars = maxChars - 64;
  for (;;) {
    const wrapped = JSON.stringify({ truncated: true, chars: json.length, head: json.slice(0, Math.max(0, headChars)) });
    if (wrapped.length <= maxChars || headChars <= 0) return wrapped;
    headChars -= Math.max(16, wrapped.length - maxChars); // escapes grew it: shrink the head and retry
  }
}
