/**
 * The on-disk outbox: where facts wait while Temporal is unreachable (usage records, the gate's triggers and
 * cancels). An append-only JSON-lines file in the plugin's state dir plus a small cursor file (the byte offset
 * delivered so far), so entries are delivered in the order they were written, a gateway restart resumes where
 * delivery stopped, and the file is removed once everything in it was delivered. Bounded: what would push the
 * undelivered bytes past `maxBytes` is refused and counted, for the caller to report. Not safe for concurrent
 * use: one owner serialises every call.
 */
import { appendFile, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

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

/** A rejection handler that turns "no such file" into `value` and rethrows anything else. */
function missingAs<T>(value: T): (error: unknown) => T {
  return (error) => {
    if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') return value;
    throw error;
  };
}

function parseLine<E>(line: string, shape: OutboxShape<E>): E | null {
  try {
    const value: unknown = JSON.parse(line);
    return shape.isEntry(value) ? value : null;
  } catch {
    return null; // a line cut short by a crash mid-append: skipped and counted by the caller
  }
}

/** An append-only JSON-lines file of entries `E` with a delivery cursor (see the file comment). */
export class Outbox<E> {
  readonly #cursorPath: string;
  #size = 0;
  #cursor = 0;

  constructor(
    readonly path: string,
    readonly maxBytes: number,
    private readonly shape: OutboxShape<E>,
  ) {
    this.#cursorPath = `${path}.offset`;
  }

  /** Reads the file size and the persisted cursor; ends a torn last line so the next append starts a new one. */
  async open(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    this.#size = await stat(this.path).then((s) => s.size, missingAs(0));
    const saved = Number(await readFile(this.#cursorPath, 'utf8').catch(missingAs('0')));
    this.#cursor = Number.isSafeInteger(saved) && saved >= 0 && saved <= this.#size ? saved : 0;
    if (this.#size > 0 && (await this.#lastByte()) !== NEWLINE) {
      await appendFile(this.path, '\n');
      this.#size += 1;
    }
    if (this.#size > 0 && this.#cursor >= this.#size) await this.#remove();
  }

  /** Bytes written but not yet delivered. */
  get pendingBytes(): number {
    return this.#size - this.#cursor;
  }

  get isEmpty(): boolean {
    return this.pendingBytes === 0;
  }

  /** Appends entries in order; stops at the first that would exceed `maxBytes`. Returns how many were written. */
  async append(entries: readonly E[]): Promise<{ written: number; refused: number }> {
    const lines: string[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const line = `${JSON.stringify(entry)}\n`;
      const length = Buffer.byteLength(line);
      if (this.pendingBytes + bytes + length > this.maxBytes) break;
      lines.push(line);
      bytes += length;
    }
    if (lines.length > 0) {
      await appendFile(this.path, lines.join(''));
      this.#size += bytes;
    }
    return { written: lines.length, refused: entries.length - lines.length };
  }

  /**
   * The entries from the cursor on that may share a chunk with the first one, at most `maxEntries` and (after
   * the first) `maxChars` by the shape's size. Reading does not move the cursor: {@link commit} does, after delivery.
   */
  async read(maxEntries: number, maxChars: number): Promise<OutboxChunk<E>> {
    const entries: E[] = [];
    let offset = this.#cursor;
    let unreadable = 0;
    let chars = 0;
    const handle = await open(this.path, 'r');
    try {
      let buffer = Buffer.alloc(0);
      let bufferStart = offset;
      while (offset < this.#size && entries.length < maxEntries) {
        let end = buffer.indexOf(NEWLINE, offset - bufferStart);
        if (end < 0) {
          const chunk = Buffer.alloc(Math.min(READ_CHUNK_BYTES, this.#size - bufferStart - buffer.length));
          const { bytesRead } = await handle.read(chunk, 0, chunk.length, bufferStart + buffer.length);
          if (bytesRead === 0) break;
          buffer = Buffer.concat([buffer.subarray(offset - bufferStart), chunk.subarray(0, bytesRead)]);
          bufferStart = offset;
          continue;
        }
        end += bufferStart;
        const entry = parseLine(buffer.toString('utf8', offset - bufferStart, end - bufferStart), this.shape);
        if (entry === null) unreadable += 1;
        else {
          const first = entries[0];
          const size = this.shape.size?.(entry) ?? 0;
          if (first !== undefined && (this.shape.sameChunk?.(first, entry) === false || chars + size > maxChars)) break;
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

  /** Marks everything before `offset` delivered; when that is the whole file, the file and its cursor are removed. */
  async commit(offset: number): Promise<void> {
    this.#cursor = Math.min(Math.max(this.#cursor, offset), this.#size);
    if (this.#cursor >= this.#size) {
      await this.#remove();
      return;
    }
    const temp = `${this.#cursorPath}.tmp`;
    await writeFile(temp, String(this.#cursor));
    await rename(temp, this.#cursorPath);
  }

  async #remove(): Promise<void> {
    await rm(this.path, { force: true });
    await rm(this.#cursorPath, { force: true });
    this.#size = 0;
    this.#cursor = 0;
  }

  async #lastByte(): Promise<number> {
    const handle = await open(this.path, 'r');
    try {
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, this.#size - 1);
      return byte[0] ?? NEWLINE;
    } finally {
      await handle.close();
    }
  }
}
