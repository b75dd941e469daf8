// Streaming age payload: a Transform that batches 64 KiB chunks (BATCH_CHUNKS per batch),
// ciphers the batches in the crypt worker pool through a lane of shared memory (small batches
// in-thread), keeps a few in flight and emits results in order, to its readable side or into a
// CipherSink's memory. Subclasses produce / consume the header.
import { Transform, type TransformCallback } from 'node:stream';
import { AppError, toAppError } from '../../errors';
import type { CryptLane } from '../../workers/crypt-lane';
import { BATCH_CHUNKS, sharedCryptPool, type CryptPool } from '../../workers/crypt-pool';
import { raiseMallocThresholds } from '../../workers/malloc';
import type { HashSession } from '../../workers/pool';
import { AUTH_FAILED, SEALED_CHUNK, cipherBatch, cipherInto, outputLength, unitOf } from './chunks';
import { corrupted } from './format';

export { BATCH_CHUNKS };
/** Batches smaller than this are ciphered on the calling thread (cheaper than a round trip). */
const POOL_MIN_BYTES = 256 * 1024;

/**
 * A batch in flight: in a lane slot (with the hash session reading its input, maybe), or done
 * here (into a buffer, or `sunk` bytes into the sink's memory), or failed here.
 */
type Batch = { slot: number; hashed: Promise<void> | undefined } | { out: Buffer } | { sunk: number } | { error: unknown };

/**
 * Sealing only: where the ciphertext goes instead of the stream's readable side (the push's
 * PartSink). The stream reserves room in stream order, has the bytes written there (by a crypt
 * worker, straight into `memory`: nobody copies them again), and commits in the same order.
 */
export interface CipherSink {
  /** The shared memory every reserved region lies in. */
  readonly memory: SharedArrayBuffer;
  /** The most one reserve() may ask for. */
  readonly maxReserve: number;
  /** The most that may be reserved and not yet committed at any time. */
  readonly maxPending: number;
  /** Waits until n more bytes fit; where they go in memory (contiguous). Rejects if the sink failed. */
  reserve(n: number): Promise<number>;
  /** The oldest n reserved bytes are written. */
  commit(n: number): Promise<void>;
}

/** Copies bytes into a sink through reserve/commit, in pieces it takes (nothing may be pending). */
export async function copyToSink(sink: CipherSink, bytes: Uint8Array): Promise<void> {
  for (let o = 0; o < bytes.length; ) {
    const n = Math.min(bytes.length - o, sink.maxReserve, sink.maxPending);
    new Uint8Array(sink.memory, await sink.reserve(n), n).set(bytes.subarray(o, o + n));
    await sink.commit(n);
    o += n;
  }
}

/** The most a batch's output can be (a whole batch sealed). */
const BATCH_OUT = BATCH_CHUNKS * SEALED_CHUNK;

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
   * Sealing only: every output byte goes, in order, into this sink's memory instead of the
   * stream's readable side, which then ends empty. (The readable side gets each batch in a
   * buffer of its own, which a worker must fill and hand over.)
   */
  sink?: CipherSink | undefined;
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
  private readonly sink: CipherSink | undefined;
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
    this.signal = opts.signal;
    this.plainHash = op === 'seal' ? opts.plainHash : undefined;
    this.sink = op === 'seal' ? opts.sink : undefined;
    if (this.sink && this.sink.maxReserve < BATCH_OUT) throw new Error('encryptStream: the sink cannot take a whole batch at once');
    // a sink holds at most maxPending bytes reserved for batches in flight
    const inFlight = this.pool ? this.pool.laneSlots : 1;
    this.maxInFlight = this.sink ? Math.max(1, Math.min(inFlight, Math.floor(this.sink.maxPending / BATCH_OUT))) : inFlight;
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
  private async dispatch(n: number, final: boolean): Promise<void> {
    const key = this.payloadKey as Uint8Array;
    const counter = this.counter;
    this.counter += Math.ceil(n / this.unit);
    // room in the sink first, in stream order (the batches before this one hold theirs)
    const outAt = this.sink ? await this.sink.reserve(outputLength(this.op, n)) : 0;
    if (this.pool && n >= POOL_MIN_BYTES) {
      // the readable side keeps what it is given: its batches come in buffers of their own
      const lane = (this.lane ??= this.pool.lane(this.op, key, this.sink ? this.sink.memory : 'transfer'));
      const { slot, input } = lane.acquire();
      this.consume(n, input);
      // the hash worker reads the input while a crypt worker does (both only read it)
      const hashed = this.plainHash?.lend(input.subarray(0, n));
      hashed?.catch(() => undefined); // observed in drain
      lane.submit(slot, n, counter, final, outAt);
      this.queue.push({ slot, hashed });
      return;
    }
    try {
      // chunk by chunk: views of the input where a chunk lies in one buffer, else a copy of it
      const chunks: Uint8Array[] = [];
      for (let left = n; left > 0; left -= this.unit) chunks.push(this.consume(Math.min(this.unit, left)));
      if (chunks.length === 0) chunks.push(new Uint8Array(0));
      if (this.plainHash) this.plainHash.update(Buffer.concat(chunks)); // views of the caller's buffers: hashed from a copy
      // synchronous: the views stay valid
      if (this.sink) this.queue.push({ sunk: cipherInto(this.op, key, counter, chunks, final, new Uint8Array(this.sink.memory, outAt, outputLength(this.op, n))) });
      else this.queue.push({ out: cipherBatch(this.op, key, counter, chunks, final) });
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
      if ('out' in b) this.push(b.out);
      else if ('sunk' in b) await (this.sink as CipherSink).commit(b.sunk);
      else {
        const lane = this.lane as CryptLane;
        const out = await lane.result(b.slot);
        if (this.destroyed) return;
        if (this.sink) await this.sink.commit(out.length);
        else this.push(Buffer.from(out.buffer, out.byteOffset, out.byteLength));
        await b.hashed;
        lane.release(b.slot);
      }
    }
  }

  /** Emits the header's bytes (before any payload): into the sink if there is one. */
  protected async output(b: Buffer): Promise<void> {
    if (this.sink) await copyToSink(this.sink, b);
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
      await this.dispatch(batch, false);
    }
    await this.drain(this.maxInFlight - 1);
  }

  /** End of payload: what is pending holds the last chunk. */
  protected async finish(): Promise<void> {
    if (this.op === 'open' && this.counter === 0 && this.pendingLen === 0) throw corrupted('the payload is missing (truncated file)');
    const full = Math.floor((this.pendingLen - 1) / this.unit);
    if (full > 0 && this.pool) {
      await this.room();
      await this.dispatch(full * this.unit, false);
    }
    await this.room();
    await this.dispatch(this.pendingLen, true);
    await this.drain(0);
    this.lane?.close();
    this.lane = null;
  }
}
