/** A temporary file of events waiting to be stored: where the EventSink parks what it cannot hold in memory. */
import { closeSync, ftruncateSync, mkdtempSync, openSync, read, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../events/index.js';
import { stringifyJson } from '../shared/json.js';

/** Bytes read from the file at a time: a few thousand events. */
const READ_CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/**
 * First in, first out, on disk: `write` appends synchronously (so it works inside a loop that never yields),
 * `read` hands back the oldest events, a chunk at a time. One event per line, as JSON (which escapes every newline
 * inside a string, so a line is always one whole event). The file is created on the first write, truncated each time
 * it has been read to the end, and deleted by `close`.
 *
 * @example
 * const spill = new EventSpill();
 * spill.write([{ event: line1, tag: 0 }, { event: line2, tag: 7 }]);
 * await spill.read(1000) // [{ event: line1, tag: 0 }, { event: line2, tag: 7 }]
 * spill.close();
 */
export class EventSpill {
  private dir: string | undefined;
  private fd: number | undefined;
  private writeAt = 0;
  private readAt = 0;
  /** The start of a line a read cut in two: the next read completes it. */
  private partial: Buffer = Buffer.alloc(0);
  private parsed: SpilledEvent[] = [];

  /** `parent`: where the file's temporary folder is made (default: the OS temp folder). */
  constructor(private readonly parent: string = tmpdir()) {}

  /** Whether `read` has anything to give. */
  get isEmpty(): boolean {
    return this.parsed.length === 0 && this.readAt === this.writeAt;
  }

  write(entries: readonly SpilledEvent[]): void {
    if (!entries.length) return;
    if (this.fd === undefined) {
      this.dir = mkdtempSync(join(this.parent, 'weir-events-'));
      this.fd = openSync(join(this.dir, 'events.ndjson'), 'w+');
    }
    let text = '';
    // stringifyJson: a payload may hold a bigint (DuckDB counts), which JSON.stringify rejects.
    for (const entry of entries) text += `${stringifyJson(entry.tag === 0 ? [entry.event] : [entry.event, entry.tag])}\n`;
    const bytes = Buffer.from(text);
    for (let done = 0; done < bytes.length;) done += writeSync(this.fd, bytes, done, bytes.length - done, this.writeAt + done);
    this.writeAt += bytes.length;
  }

  /** Up to `max` of the oldest events, removed from the file. */
  async read(max: number): Promise<SpilledEvent[]> {
    if (!this.parsed.length && this.readAt < this.writeAt) await this.readChunk();
    const out = this.parsed.length <= max ? this.parsed : this.parsed.slice(0, max);
    this.parsed = this.parsed.length <= max ? [] : this.parsed.slice(max);
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.fd = this.dir = undefined;
    this.writeAt = this.readAt = 0;
    this.parsed = [];
    this.partial = Buffer.alloc(0);
  }

  private async readChunk(): Promise<void> {
    const length = Math.min(READ_CHUNK_BYTES, this.writeAt - this.readAt);
    const chunk = Buffer.allocUnsafe(length);
    const bytesRead = await new Promise<number>((resolve, reject) => {
      read(this.fd!, chunk, 0, length, this.readAt, (error, n) => (error ? reject(error) : resolve(n)));
    });
    this.readAt += bytesRead;
    const data = this.partial.length ? Buffer.concat([this.partial, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    const lastNewline = data.lastIndexOf(NEWLINE);
    // Copied: a view would keep the whole chunk alive.
    this.partial = Buffer.from(data.subarray(lastNewline + 1));
    for (const line of data.subarray(0, lastNewline + 1).toString('utf8').split('\n')) {
      if (!line) continue;
      const [event, tag] = JSON.parse(line) as [NewEvent, number?];
      this.parsed.push({ event, tag: tag ?? 0 });
    }
    // Read to the end: start the file over, so a long run's spill never grows past what is waiting. Safe here:
    // writes are synchronous, so none can come between this check and the truncation.
    if (this.readAt === this.writeAt && !this.partial.length) {
      ftruncateSync(this.fd!, 0);
      this.readAt = this.writeAt = 0;
    }
  }
}

/** An event and the number the sink knows it by (0: nobody waits for it). */
export interface SpilledEvent {
  event: NewEvent;
  tag: number;
}
