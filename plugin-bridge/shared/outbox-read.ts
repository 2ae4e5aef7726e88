/**
 * Reading an outbox file: its entries' shape, and the chunk of leading entries that travel together. Reading
 * never changes the file; lines that are not entries (a write torn by a crash) are skipped and counted.
 */
import { open } from 'node:fs/promises';

/** What an outbox needs to know about its entries. */
export interface OutboxShape<E> {
  /** Whether a parsed line is an entry (anything else is an unreadable line, skipped and counted). */
  isEntry(value: unknown): value is E;
  /** Whether `entry` may travel in the same chunk as `first` (e.g. bound for the same ledger). @default always */
  sameChunk?(first: E, entry: E): boolean;
  /** The size that counts against a chunk's `maxChars`. @default 0 */
  size?(entry: E): number;
}

/** The leading entries of one kind, and the offset just past them (and past any unreadable line). */
export interface OutboxChunk<E> {
  readonly entries: readonly E[];
  readonly nextOffset: number;
  /** Lines between the cursor and `nextOffset` that were not valid entries (a torn write); they are skipped. */
  readonly unreadable: number;
}

const NEWLINE = 0x0a;
const READ_CHUNK_BYTES = 1024 * 1024;

function parseLine<E>(line: string, shape: OutboxShape<E>): E | null {
  try {
    const value: unknown = JSON.parse(line);
    return shape.isEntry(value) ? value : null;
  } catch {
    return null; // a line cut short by a crash mid-append: skipped and counted by the caller
  }
}

/**
 * The entries from byte `from` on (of a file of `fileSize` bytes) that may share a chunk with the first one, at most
 * `maxEntries` and (after the first) `maxChars` by the shape's size.
 */
export async function readChunk<E>(path: string, from: number, fileSize: number, shape: OutboxShape<E>, maxEntries: number, maxChars: number): Promise<OutboxChunk<E>> {
  const entries: E[] = [];
  let offset = from;
  let unreadable = 0;
  let chars = 0;
  const handle = await open(path, 'r');
  try {
    let buffer = Buffer.alloc(0);
    let bufferStart = offset;
    while (offset < fileSize && entries.length < maxEntries) {
      let end = buffer.indexOf(NEWLINE, offset - bufferStart);
      if (end < 0) {
        const chunk = Buffer.alloc(Math.min(READ_CHUNK_BYTES, fileSize - bufferStart - buffer.length));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, bufferStart + buffer.length);
        if (bytesRead === 0) break;
        buffer = Buffer.concat([buffer.subarray(offset - bufferStart), chunk.subarray(0, bytesRead)]);
        bufferStart = offset;
        continue;
      }
      end += bufferStart;
      const entry = parseLine(buffer.toString('utf8', offset - bufferStart, end - bufferStart), shape);
      if (entry === null) unreadable += 1;
      else {
        const first = entries[0];
        const size = shape.size?.(entry) ?? 0;
        if (first !== undefined && (shape.sameChunk?.(first, entry) === false || chars + size > maxChars)) break;
        entries.push(entry);
        chars += size;
      }
      offset = end + 1;
    }
  } finally {
    await handle.close();
  }
  return { entries, nextOffset: offset, unreadable };
}
