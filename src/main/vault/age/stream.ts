// Streaming age payload: a Transform that batches 64 KiB chunks (BATCH_CHUNKS per task), ciphers
// the batches in the crypt worker pool (small batches in-thread), keeps a few in flight and emits
// results in order. Subclasses produce / consume the header.
import { Transform, type TransformCallback } from 'node:stream';
import { AppError, toAppError } from '../../errors';
import { sharedCryptPool, type CryptPool } from '../../workers/crypt-pool';
import { raiseMallocThresholds } from '../../workers/malloc';
import type { HashSession } from '../../workers/pool';
import { AUTH_FAILED, CHUNK, SEALED_CHUNK, batchOutput, cipherBatch, type BatchResult } from './chunks';
import { corrupted } from './format';

/**
 * 64 chunks = 4 MiB of plaintext per worker task: fewer messages and thread wake-ups than 1 MiB
 * (a 1 GiB push measured ~3% less CPU; tools/bench/vault.bench.mjs).
 */
export const BATCH_CHUNKS = 64;
/** Batches smaller than this are ciphered on the calling thread (cheaper than a round trip). */
const POOL_MIN_BYTES = 256 * 1024;

interface Output {
  bufs: Buffer[];
  /** A recycled output buffer bufs lies in (sink mode): reused once the sink is done with it. */
  out?: ArrayBuffer;
}

interface Slot {
  promise: Promise<Output>;
  settled: boolean;
}

export interface CipherOptions {
  signal?: AbortSignal | undefined;
  /** Worker pool to use; null forces in-thread ciphering; default: the shared pool. */
  pool?: CryptPool | null | undefined;
  /**
   * Sealing only: every plaintext byte is fed, in order, to this hash session (a worker thread).
   * Batches the crypt pool hands back are lent to it as they are, without a copy, and reused
   * once it returns them. When the stream has finished, the session holds the whole plaintext:
   * call its digest().
   */
  plainHash?: HashSession | undefined;
  /**
   * Sealing only: every output byte goes, in order, to this function (awaited) instead of the
   * stream's readable side, which then ends empty. Batches from the pool are written into a few
   * output buffers that are reused as soon as the sink resolves, so the sink must be done with
   * the bytes by then (copy them: PartSink.accept does). No per-chunk buffers reach the caller's
   * thread, and with them goes most of its garbage collection.
   */
  sink?: ((bytes: Buffer) => Promise<void>) | undefined;
}

/** Batches lent to the hash session and not back yet, at most (bounded memory if it lags). */
const HASH_BACKLOG = 8;

export abstract class ChunkTransform extends Transform {
  /** Payload key; set by the subclass before any payload byte is fed. */
  protected payloadKey: Uint8Array | undefined;
  private counter = 0;
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private queue: Slot[] = [];
  /** Batch buffers the workers handed back, reused for the next batches (fresh pages are slow). */
  private spare: ArrayBuffer[] = [];
  /** Output buffers (sink mode) back from the sink, for the next batches. */
  private spareOut: ArrayBuffer[] = [];
  private readonly sink: ((bytes: Buffer) => Promise<void>) | undefined;
  private readonly unit: number;
  private readonly pool: CryptPool | null;
  private readonly maxInFlight: number;
  private readonly signal: AbortSignal | undefined;
  private readonly plainHash: HashSession | undefined;
  /** Resolves once every batch dispatched so far has been posted to plainHash (in order). */
  private hashPosted: Promise<void> = Promise.resolve();
  /** Lent batches on their way back from plainHash. */
  private hashLent: Promise<void>[] = [];
  private readonly onAbort = () => this.destroy(new AppError('CANCELLED', 'cancelled'));

  constructor(
    private readonly op: 'seal' | 'open',
    opts: CipherOptions = {},
  ) {
    super({ highWaterMark: 4 << 20 });
    raiseMallocThresholds();
    this.unit = op === 'seal' ? CHUNK : SEALED_CHUNK;
    this.pool = opts.pool === undefined ? sharedCryptPool() : opts.pool;
    this.maxInFlight = this.pool ? this.pool.threads * 2 : 1;
    this.signal = opts.signal;
    this.plainHash = op === 'seal' ? opts.plainHash : undefined;
    this.sink = op === 'seal' ? opts.sink : undefined;
    // an already-aborted signal fails the first write (see guard), not the bare stream
    if (this.signal && !this.signal.aborted) this.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    if (err) this.plainHash?.abandon();
    for (const s of this.queue) s.promise.catch(() => undefined);
    this.queue = [];
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
    let promise: Promise<Output>;
    if (this.pool && n >= POOL_MIN_BYTES) {
      const size = this.unit * BATCH_CHUNKS;
      const spare = this.spare.pop();
      const buf = spare && spare.byteLength >= n ? spare : new ArrayBuffer(Math.max(n, size));
      this.consume(n, new Uint8Array(buf, 0, n));
      let ran: Promise<{ input: ArrayBuffer }>;
      if (this.sink) {
        const sealed = Math.ceil(n / CHUNK) * SEALED_CHUNK;
        const spareOut = this.spareOut.pop();
        const out = spareOut && spareOut.byteLength >= sealed ? spareOut : new ArrayBuffer(Math.max(sealed, SEALED_CHUNK * BATCH_CHUNKS));
        const into = this.pool.runInto(this.op, key, counter, buf, n, final, out, this.signal);
        promise = into.then((r) => ({ bufs: [r.out], out: r.out.buffer as ArrayBuffer }));
        ran = into;
      } else {
        const plain = this.pool.run(this.op, key, counter, buf, n, final, this.signal);
        promise = plain.then(({ result }) => ({ bufs: batchOutput(result) }));
        ran = plain;
      }
      const hasher = this.plainHash;
      if (!hasher) void ran.then(({ input }) => this.recycle(input), () => undefined);
      else this.hashNext(() => ran.then(({ input }) => this.hashLent.push(hasher.lend(input, n).then((b) => this.recycle(b), () => undefined))));
    } else {
      let result: BatchResult | undefined;
      let error: unknown;
      try {
        // chunk by chunk: views of the input where a chunk lies in one buffer, else a copy of it
        const chunks: Uint8Array[] = [];
        for (let left = n; left > 0; left -= this.unit) chunks.push(this.consume(Math.min(this.unit, left)));
        const hasher = this.plainHash;
        if (hasher) {
          const copy = Buffer.concat(chunks); // views of the caller's buffers: hashed from a copy
          this.hashNext(async () => hasher.update(copy));
        }
        result = cipherBatch(this.op, key, counter, chunks.length ? chunks : [new Uint8Array(0)], final); // synchronous: views stay valid
      } catch (e) {
        error = e;
      }
      promise = result ? Promise.resolve({ bufs: batchOutput(result) }) : Promise.reject(error);
    }
    const slot: Slot = { promise, settled: false };
    promise.then(
      () => (slot.settled = true),
      () => (slot.settled = true),
    );
    this.queue.push(slot);
  }

  private recycle(input: ArrayBuffer): void {
    if (this.spare.length <= this.maxInFlight) this.spare.push(input);
  }

  /** Chains a post to plainHash after the previous ones (a failure is the batch's: see drain). */
  private hashNext(post: () => Promise<unknown>): void {
    this.hashPosted = this.hashPosted.then(post).then(() => undefined);
    this.hashPosted.catch(() => undefined);
  }

  /** Waits while too many batches are with plainHash; at the end (all), for all of them. */
  private async hashSettled(all: boolean): Promise<void> {
    if (!this.plainHash) return;
    if (all) await this.hashPosted;
    while (this.hashLent.length > (all ? 0 : HASH_BACKLOG)) await this.hashLent.shift();
  }

  /** Emits finished batches in order; waits while more than `keep` are in flight. */
  private async drain(keep: number): Promise<void> {
    while (this.queue.length > 0 && (this.queue.length > keep || (this.queue[0] as Slot).settled)) {
      const slot = this.queue.shift() as Slot;
      const r = await slot.promise;
      if (this.sink) {
        for (const b of r.bufs) await this.sink(b);
        if (r.out && this.spareOut.length <= this.maxInFlight) this.spareOut.push(r.out);
      } else for (const b of r.bufs) this.push(b);
    }
  }

  /** Emits bytes ahead of the payload (the header): to the sink if there is one. */
  protected async output(b: Buffer): Promise<void> {
    if (this.sink) await this.sink(b);
    else this.push(b);
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
      this.dispatch(batch, false);
      if (this.queue.length >= this.maxInFlight) await this.drain(this.maxInFlight - 1); // bounded memory
      await this.hashSettled(false);
    }
    await this.drain(this.maxInFlight - 1);
  }

  /** End of payload: what is pending holds the last chunk. */
  protected async finish(): Promise<void> {
    if (this.op === 'open' && this.counter === 0 && this.pendingLen === 0) throw corrupted('the payload is missing (truncated file)');
    const full = Math.floor((this.pendingLen - 1) / this.unit);
    if (full > 0 && this.pool) this.dispatch(full * this.unit, false);
    this.dispatch(this.pendingLen, true);
    await this.drain(0);
    await this.hashSettled(true);
  }
}
