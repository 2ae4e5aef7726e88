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
import { readChunk, type OutboxChunk, type OutboxShape } from './outbox-read.ts';

export type { OutboxChunk, OutboxShape } from './outbox-read.ts';

const NEWLINE = 0x0a;

/** A rejection handler that turns "no such file" into `value` and rethrows anything else. */
function missingAs<T>(value: T): (error: unknown) => T {
  return (error) => {
    if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') return value;
    throw error;
  };
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
    return readChunk(this.path, this.#cursor, this.#size, this.shape, maxEntries, maxChars);
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
