/** Whether `value` is a plain JSON object (not null, not an array): the first check on every untrusted input. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
