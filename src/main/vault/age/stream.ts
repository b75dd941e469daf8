// Streaming age payload: a Transform that batches 64 KiB chunks (BATCH_CHUNKS per batch),
// ciphers the batches in the crypt worker pool through a lane of shared memory (small batches
// in-thread), keeps a few in flight and emits results in order. Subclasses produce / consume the
// header.
import { Transform, type TransformCallback } from 'node:stream';
import { AppError, toAppError } from '../../errors';
import type { CryptLane } from '../../workers/crypt-lane';
import { BATCH_CHUNKS, sharedCryptPool, type CryptPool } from '../../workers/crypt-pool';
import { raiseMallocThresholds } from '../../workers/malloc';
import type { HashSession } from '../../workers/pool';
import { AUTH_FAILED, cipherBatch, unitOf } from './chunks';
import { corrupted } from './format';

export { BATCH_CHUNKS };
/** Batches smaller than this are ciphered on the calling thread (cheaper than a round trip). */
const POOL_MIN_BYTES = 256 * 1024;

/** A batch in flight: in a lane slot (with the hash session reading its input, maybe), or done here. */
type Batch = { slot: number; hashed: Promise<void> | undefined } | { out: Buffer } | { error: unknown };

export interface CipherOptions {
  signal?: AbortSignal | undefined;
  /** Worker pool to use; null forces in-thread ciphering; default: the shared pool. */
  pool?: CryptPool | null | undefined;
  /**
   * Sealing only: every plaintext byte is fed, in order, to this hash session (a worker thread).
   * Batches ciphered in the pool are lent to it in shared memory, without a copy. When the
   * stream has finished, the session holds the whole plaintext: call its digest().
   */
  plainHash?: HashSession | undefined;
  /**
   * Sealing only: every output byte goes, in order, to this function (awaited) instead of the
   * stream's readable side, which then ends empty. Bytes from the pool are views of shared
   * memory that is reused as soon as the sink resolves, so the sink must be done with the bytes
   * by then (copy them: PartSink.accept does). The readable side instead gets each batch in a
   * buffer of its own, which a worker must fill and hand over.
   */
  sink?: ((bytes: Buffer) => Promise<void>) | undefined;
}

export abstract class ChunkTransform extends Transform {
  /** Payload key; set by the subclass before any payload byte is fed. */
  protected payloadKey: Uint8Array | undefined;
  private counter = 0;
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private queue: Batch[] = [];
  /** Opened with the first batch big enough for the pool. */
  private lane: CryptLane | null = null;
  private readonly sink: ((bytes: Buffer) => Promise<void>) | undefined;
  private readonly unit: number;
  private readonly pool: CryptPool | null;
  private readonly maxInFlight: number;
  private readonly signal: AbortSignal | undefined;
  private readonly plainHash: HashSession | undefined;
  private readonly onAbort = () => this.destroy(new AppError('CANCELLED', 'cancelled'));

  constructor(
    private readonly op: 'seal' | 'open',
    opts: CipherOptions = {},
  ) {
    super({ highWaterMark: 4 << 20 });
    raiseMallocThresholds();
    this.unit = unitOf(op);
    this.pool = opts.pool === undefined ? sharedCryptPool() : opts.pool;
    this.maxInFlight = this.pool ? this.pool.laneSlots : 1;
    this.signal = opts.signal;
    this.plainHash = op === 'seal' ? opts.plainHash : undefined;
    this.sink = op === 'seal' ? opts.sink : undefined;
    // an already-aborted signal fails the first write (see guard), not the bare stream
    if (this.signal && !this.signal.aborted) this.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    if (err) this.plainHash?.abandon();
    this.queue = [];
    this.lane?.close();
    cb(err);
  }

  /** Runs fn; its error (mapped to AppError) fails the stream. */
  protected guard(fn: () => Promise<void>, cb: TransformCallback): void {
    if (this.signal?.aborted) return cb(new AppError('CANCELLED', 'cancelled'));
    fn().then(
      () => cb(),
      (e: unknown) => cb(this.mapError(e)),
    );
  }

  private mapError(e: unknown): AppError {
    if (e instanceof Error && e.message.startsWith(AUTH_FAILED)) return corrupted(e.message.slice(AUTH_FAILED.length + 2));
    if (this.signal?.aborted) return new AppError('CANCELLED', 'cancelled');
    return toAppError(e, 'age');
  }

  /**
   * Removes n pending bytes: copied into `into` if given, else a view of the head buffer when it
   * holds them all (no copy), else a fresh copy.
   */
  private consume(n: number, into?: Uint8Array): Uint8Array {
    const head = this.pending[0];
    if (!into && head && head.length >= n) {
      this.pendingLen -= n;
      if (head.length === n) this.pending.shift();
      else this.pending[0] = head.subarray(n);
      return head.subarray(0, n);
    }
    const out = into ?? Buffer.allocUnsafe(n);
    let o = 0;
    while (o < n) {
      const h = this.pending[0] as Buffer;
      const k = Math.min(h.length, n - o);
      out.set(k === h.length ? h : h.subarray(0, k), o);
      o += k;
      if (k === h.length) this.pending.shift();
      else this.pending[0] = h.subarray(k);
    }
    this.pendingLen -= n;
    return out;
  }

  /** Starts ciphering the next n pending bytes (in the pool if worth it, else right here). */
  private dispatch(n: number, final: boolean): void {
    const key = this.payloadKey as Uint8Array;
    const counter = this.counter;
    this.counter += Math.ceil(n / this.unit);
    if (this.pool && n >= POOL_MIN_BYTES) {
      // the readable side keeps what it is given: its batches come in buffers of their own
      const lane = (this.lane ??= this.pool.lane(this.op, key, !this.sink));
      const { slot, input } = lane.acquire();
      this.consume(n, input);
      // the hash worker reads the input while a crypt worker does (both only read it)
      const hashed = this.plainHash?.lend(input.subarray(0, n));
      hashed?.catch(() => undefined); // observed in drain
      lane.submit(slot, n, counter, final);
      this.queue.push({ slot, hashed });
      return;
    }
    try {
      // chunk by chunk: views of the input where a chunk lies in one buffer, else a copy of it
      const chunks: Uint8Array[] = [];
      for (let left = n; left > 0; left -= this.unit) chunks.push(this.consume(Math.min(this.unit, left)));
      if (this.plainHash) this.plainHash.update(Buffer.concat(chunks)); // views of the caller's buffers: hashed from a copy
      this.queue.push({ out: cipherBatch(this.op, key, counter, chunks.length ? chunks : [new Uint8Array(0)], final) }); // synchronous: views stay valid
    } catch (error) {
      this.queue.push({ error });
    }
  }

  private ready(b: Batch): boolean {
    return !('slot' in b) || (this.lane as CryptLane).done(b.slot);
  }

  /** Emits finished batches in order; waits while more than `keep` are in flight. */
  private async drain(keep: number): Promise<void> {
    while (this.queue.length > 0 && (this.queue.length > keep || this.ready(this.queue[0] as Batch))) {
      const b = this.queue.shift() as Batch;
      if ('error' in b) throw b.error;
      if ('out' in b) {
        await this.output(b.out);
        continue;
      }
      const lane = this.lane as CryptLane;
      const out = await lane.result(b.slot);
      if (this.destroyed) return;
      await this.output(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
      await b.hashed;
      lane.release(b.slot);
    }
  }

  /** Emits bytes (the header, or ciphered batches): to the sink if there is one. */
  protected async output(b: Buffer): Promise<void> {
    if (this.sink) await this.sink(b);
    else this.push(b);
  }

  /** Waits until another batch may start: bounded memory, and the lane's next slot is free. */
  private async room(): Promise<void> {
    if (this.queue.length >= this.maxInFlight) await this.drain(this.maxInFlight - 1);
  }

  /** Feeds payload bytes (plaintext to seal, or sealed chunks to open). */
  protected async feed(chunk: Buffer): Promise<void> {
    if (chunk.length > 0) {
      this.pending.push(chunk);
      this.pendingLen += chunk.length;
    }
    const batch = this.unit * BATCH_CHUNKS;
    // hold back at least one byte: only then is it certain the batch holds no last chunk
    while (this.pendingLen > batch) {
      await this.room();
      this.dispatch(batch, false);
    }
    await this.drain(this.maxInFlight - 1);
  }

  /** End of payload: what is pending holds the last chunk. */
  protected async finish(): Promise<void> {
    if (this.op === 'open' && this.counter === 0 && this.pendingLen === 0) throw corrupted('the payload is missing (truncated file)');
    const full = Math.floor((this.pendingLen - 1) / this.unit);
    if (full > 0 && this.pool) {
      await this.room();
      this.dispatch(full * this.unit, false);
    }
    await this.room();
    this.dispatch(this.pendingLen, true);
    await this.drain(0);
    this.lane?.close();
    this.lane = null;
  }
}
