/**
 * Checking a gate ledger batch against `workflows/gate/ledger-ops.ts` before anything is written: every field of
 * every op kind has a rule, so a malformed batch fails once, loudly, naming the field. Pure: no I/O.
 */
import { isAbsolute } from 'node:path';
import type { GateLedgerBatch, GateLedgerOp } from '../workflows/gate/ledger-ops.ts';
import { isRecord } from '../workflows/shared/is-record.ts';

/**
 * A batch that does not match `ledger-ops.ts`. It reaches the worker only through a bug or a version skew
 * between workflow and worker, and retrying cannot fix it; `field` names the first offending path.
 */
export class InvalidLedgerBatchError extends Error {
  override name = 'InvalidLedgerBatchError' as const;

  constructor(readonly field: string, problem: string) {
    super(`invalid gate ledger batch: ${field} ${problem}`);
  }
}

/** `id`: non-empty string; `text`: any string; `?`: or null; `int`: non-negative safe integer; list: one of. */
type FieldRule = 'id' | 'id?' | 'text' | 'text?' | 'int' | readonly string[];
type OpKind = GateLedgerOp['op'];
/** Every field of every op kind has a rule: adding a field to `ledger-ops.ts` fails to compile until it has one. */
type OpRules = {
  readonly [K in OpKind]: { readonly [F in Exclude<keyof Extract<GateLedgerOp, { op: K }>, 'op'>]-?: FieldRule };
};

const OP_RULES: OpRules = {
  seen: { channel: 'id', messageId: 'id', sender: 'text', peer: 'text', at: 'int' },
  thread: { threadId: 'id', channel: 'id', peer: 'text', topic: 'id', at: 'int' },
  request: {
    requestId: 'id', channel: 'id', sender: 'text', peer: 'text', inboundMessageId: 'id?', threadId: 'id',
    triggerText: 'text', body: 'text', at: 'int',
  },
  seenTriggered: { channel: 'id', messageId: 'id', requestId: 'id', threadId: 'id' },
  arm: {
    armKey: 'id', channel: 'id', peer: 'text', requestId: 'id', sourceMessageId: 'id?', sender: 'text',
    expiresAt: 'int', usesLeft: 'int', at: 'int',
  },
  disarm: { armKey: 'id', at: 'int' },
  requestStatus: { requestId: 'id', status: ['responded', 'missed'], at: 'int' },
  response: {
    eventId: 'id', requestId: 'id?', channel: 'id', peer: 'text', kind: ['text', 'blocked'], content: 'text',
    reason: 'text?', at: 'int',
  },
  decisionAbandoned: {
    eventId: 'id', requestId: 'id?', channel: 'id', peer: 'text', content: 'text', reason: 'text', at: 'int',
  },
};

function fits(rule: FieldRule, value: unknown): boolean {
  if (typeof rule !== 'string') return typeof value === 'string' && rule.includes(value);
  if (value === null) return rule.endsWith('?');
  if (rule === 'int') return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
  return typeof value === 'string' && (value !== '' || rule.startsWith('text'));
}

function isOpKind(kind: unknown): kind is OpKind {
  return typeof kind === 'string' && Object.hasOwn(OP_RULES, kind);
}

function parseOp(value: unknown, path: string): GateLedgerOp {
  if (!isRecord(value)) throw new InvalidLedgerBatchError(path, 'must be an object');
  if (!isOpKind(value.op)) throw new InvalidLedgerBatchError(`${path}.op`, `is not an op kind: ${String(value.op)}`);
  const rules: Readonly<Record<string, FieldRule>> = OP_RULES[value.op];
  for (const [field, rule] of Object.entries(rules)) {
    const expected = typeof rule === 'string' ? rule : rule.join(' | ');
    if (!fits(rule, value[field])) throw new InvalidLedgerBatchError(`${path}.${field}`, `must be ${expected}`);
  }
  return value as unknown as GateLedgerOp; // every field was checked against its rule above
}

/**
 * Checks an activity input against the op types, so a malformed batch fails once, loudly, instead of being
 * retried forever or half-applied. Pure: no I/O.
 * @throws {InvalidLedgerBatchError} naming the first offending field.
 */
export function parseGateLedgerBatch(input: unknown): GateLedgerBatch {
  if (!isRecord(input)) throw new InvalidLedgerBatchError('batch', 'must be an object');
  const { dbPath, ops } = input;
  if (typeof dbPath !== 'string' || !isAbsolute(dbPath)) {
    throw new InvalidLedgerBatchError('dbPath', 'must be an absolute path');
  }
  if (!Array.isArray(ops)) throw new InvalidLedgerBatchError('ops', 'must be an array');
  return { dbPath, ops: ops.map((op: unknown, i) => parseOp(op, `ops[${i}]`)) };
}
