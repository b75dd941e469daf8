// The sink of a push: a multipart upload of the age ciphertext, as a Writable.
//
// Why not lib-storage's Upload (which the rest of the app uses): for a stream body it
// concatenates every part into fresh memory (a GiB of new buffers, and the GC work that comes
// with them, per GiB pushed), and the SDK then SHA-256s each part on the main thread for SigV4.
// Here the parts are windows of one ring of shared memory, reused, into which the crypt workers
// write the ciphertext directly (PartSink is encryptStream's CipherSink), sent as UNSIGNED-PAYLOAD: the
// age payload authenticates itself (a Poly1305 tag per 64 KiB chunk, a MAC over the header) and
// restore checks the plaintext SHA-256, so bytes damaged in transit are refused on restore, never
// restored wrong. (Where the doctor enables flexible checksums, as on AWS, the SDK still adds a
// CRC per part.) tools/bench/vault.bench.mjs measures the difference.
//
// Nothing is visible at the key until the last part is in and the upload completes; any error,
// or destroying the stream (cancel), aborts the multipart upload before the stream closes.
// pipeline() may reject before that: await settled() after it to be sure nothing is left behind.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BuildMiddleware, MetadataBearer } from '@smithy/types';
import { Writable } from 'node:stream';
import { copyToSink, type CipherSink } from './age/index';

export interface PartSinkOptions {
  bucket: string;
  key: string;
  partSize: number;
  /** Parts in flight at once. */
  queueSize: number;
  metadata: Record<string, string>;
  contentType?: string;
  signal?: AbortSignal;
  /** CipherSink: the most reserved and not yet committed at once (default 16 MiB). */
  maxPending?: number;
}

/** CipherSink: the most one reserve() may ask for (≥ a whole sealed batch of encryptStream). */
const MAX_RESERVE = 4 << 20;

/**
 * A closed sink's ring, kept for the next sink of the same size for a while: a push of 1 GiB
 * faults in all ~100 MiB of a fresh ring (25,000 page faults and the kernel zeroing them), which a
 * reused ring does not. Measured (2 cores, 1 GiB into PartSink, alternating, 4 pairs): 2440–2790
 * MB/s against 2370–2600 MB/s, 3% less CPU. Only a closed sink's ring goes back: by then every
 * part it sent has settled. Dropped (for the GC) when unused for RING_KEEP_MS.
 */
let spareRing: SharedArrayBuffer | undefined;
let spareTimer: NodeJS.Timeout | undefined;
const RING_KEEP_MS = 30_000;

function takeRing(bytes: number): SharedArrayBuffer {
  const ring = spareRing?.byteLength === bytes ? spareRing : new SharedArrayBuffer(bytes); // untouched pages cost nothing
  if (ring === spareRing) spareRing = undefined;
  return ring;
}

function giveBackRing(ring: SharedArrayBuffer): void {
  spareRing = ring;
  clearTimeout(spareTimer);
  spareTimer = setTimeout(() => (spareRing = undefined), RING_KEEP_MS);
  spareTimer.unref();
}

const unsignedPayload: BuildMiddleware<object, MetadataBearer> = (next) => (args) => {
  (args.request as { headers: Record<string, string> }).headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  return next(args);
};

/** The command, sent with UNSIGNED-PAYLOAD (see the top of this file). */
function unsigned<C extends { middlewareStack: object }>(cmd: C): C {
  (cmd.middlewareStack as { add(m: BuildMiddleware<object, MetadataBearer>, o: { step: 'build'; name: string }): void }).add(unsignedPayload, { step: 'build', name: 's3deckUnsignedPayload' });
  return cmd;
}

/**
 * The parts are windows of one ring of shared memory: part j is window j mod `windows`, and
 * stream byte p lies at p mod span (span = windows × partSize). encryptStream (as a CipherSink)
 * reserves room, has a crypt worker write its batch there, and commits; stream writes (_write)
 * are copied in the same way. A full window is sent as it lies, with no copy; it is written again
 * only once its upload is done. A reserved region that runs past the span goes on into the slack
 * after it, and commit() moves that overflow to the ring's start.
 */
export class PartSink extends Writable implements CipherSink {
  readonly memory: SharedArrayBuffer;
  readonly maxReserve = MAX_RESERVE;
  readonly maxPending: number;
  private readonly windows: number;
  private readonly span: number;
  private readonly partSize: number;
  private uploadId: string | undefined;
  private parts: { ETag: string; PartNumber: number }[] = [];
  /** Stream bytes reserved, written (committed), and sent as parts (whole windows). */
  private reserved = 0;
  private committed = 0;
  private partsStarted = 0;
  /** Per window: the last part whose upload finished in it (−1: none yet). */
  private uploadedIn: number[];
  private inFlight = new Set<Promise<void>>();
  private wake: (() => void)[] = [];
  private failure: unknown;
  private completed = false;
  private readonly contentType: string;
  private readonly whenClosed: Promise<void>;

  constructor(
    private readonly s3: S3Client,
    private readonly o: PartSinkOptions,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.partSize = o.partSize;
    this.maxPending = o.maxPending ?? 16 << 20;
    // queueSize windows uploading, one being filled, and room for what may be pending: a
    // reserve() then never waits on a window that only a later commit could free
    this.windows = o.queueSize + 1 + Math.ceil(this.maxPending / o.partSize);
    this.span = this.windows * o.partSize;
    this.memory = takeRing(this.span + MAX_RESERVE);
    this.uploadedIn = new Array<number>(this.windows).fill(-1);
    this.contentType = o.contentType ?? 'application/octet-stream';
    this.whenClosed = new Promise((resolve) => this.once('close', () => resolve()));
    this.once('close', () => giveBackRing(this.memory));
  }

  /** Resolves once the stream has closed: completed, or failed with its upload aborted. */
  settled(): Promise<void> {
    return this.whenClosed;
  }

  private get opts() {
    return this.o.signal ? { abortSignal: this.o.signal } : {};
  }

  /** CipherSink: waits until the windows the next n bytes fall in are uploaded; their offset. */
  async reserve(n: number): Promise<number> {
    if (n > MAX_RESERVE) throw new RangeError(`PartSink: ${n} bytes is more than one reserve takes`);
    if (this.reserved + n - this.committed > this.maxPending) throw new Error('PartSink: more reserved than maxPending');
    const first = Math.floor(this.reserved / this.partSize);
    const last = Math.floor((this.reserved + n - 1) / this.partSize);
    for (let part = first; part <= last; part++) {
      // the part that used this window before must be sent and done; it is full and sent by now
      // unless a caller reserved more than maxPending allows (windows are sized for that)
      if (part - this.windows >= this.partsStarted) throw new Error('PartSink: reserve() ran past parts not yet sent');
      while (this.uploadedIn[part % this.windows]! < part - this.windows) {
        this.checkOpen();
        if (this.failure) throw this.failure;
        await new Promise<void>((resolve) => this.wake.push(resolve));
      }
    }
    this.checkOpen();
    if (this.failure) throw this.failure;
    const at = this.reserved % this.span;
    this.reserved += n;
    return at;
  }

  /** CipherSink: the oldest n reserved bytes are written; full windows go out. */
  async commit(n: number): Promise<void> {
    if (this.committed + n > this.reserved) throw new Error('PartSink: commit of bytes never reserved');
    const at = this.committed % this.span;
    if (at + n > this.span) {
      // the region ran on into the slack: its overflow belongs at the ring's start
      const over = at + n - this.span;
      new Uint8Array(this.memory, 0, over).set(new Uint8Array(this.memory, this.span, over));
    }
    this.committed += n;
    while (this.committed - this.partsStarted * this.partSize >= this.partSize) await this.startPart(this.partSize);
  }

  /** The next part's window, as a Buffer (no copy). */
  private window(part: number, length: number): Buffer {
    return Buffer.from(this.memory, (part % this.windows) * this.partSize, length);
  }

  /** Sends the next part (its window's first `length` bytes); waits while queueSize are in flight. */
  private async startPart(length: number): Promise<void> {
    while (this.inFlight.size >= this.o.queueSize) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    this.checkOpen(); // nothing is sent from the ring once the sink is destroyed (it goes to the next sink)
    if (!this.uploadId) {
      this.checkOpen();
      const r = await this.s3.send(
        new CreateMultipartUploadCommand({ Bucket: this.o.bucket, Key: this.o.key, ContentType: this.contentType, Metadata: this.o.metadata }),
        this.opts,
      );
      if (!r.UploadId) throw new Error('the endpoint returned no UploadId');
      if (this.destroyed) {
        // destroyed while the upload was being created: _destroy saw none to abort
        await this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.o.bucket, Key: this.o.key, UploadId: r.UploadId })).catch(() => undefined);
        this.checkOpen();
      }
      this.uploadId = r.UploadId;
    }
    const index = this.partsStarted++;
    const part = { ETag: '', PartNumber: index + 1 };
    this.parts.push(part);
    const cmd = new UploadPartCommand({ Bucket: this.o.bucket, Key: this.o.key, UploadId: this.uploadId, PartNumber: part.PartNumber, Body: this.window(index, length), ContentLength: length });
    const p: Promise<void> = this.s3.send(unsigned(cmd), this.opts).then(
      (r) => {
        part.ETag = r.ETag ?? '';
        this.uploadedIn[index % this.windows] = index;
      },
      (e: unknown) => {
        this.failure ??= e;
      },
    ).finally(() => {
      this.inFlight.delete(p);
      for (const w of this.wake.splice(0)) w();
    });
    this.inFlight.add(p);
  }

  /** Nothing may start once the stream is destroyed (an error or cancel elsewhere in the pipeline). */
  private checkOpen(): void {
    if (this.destroyed) throw (this.errored ?? new Error('the upload was closed before it completed'));
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.failure) return cb(this.failure as Error);
    copyToSink(this, chunk).then(() => cb(), (e: unknown) => cb(e as Error));
  }

  private async finish(): Promise<void> {
    if (this.committed !== this.reserved) throw new Error('PartSink: ended with bytes reserved but never committed');
    if (this.partsStarted === 0) {
      // smaller than one part: a single PUT
      const body = this.window(0, this.committed);
      const sent = this.s3.send(unsigned(new PutObjectCommand({ Bucket: this.o.bucket, Key: this.o.key, Body: body, ContentLength: body.length, ContentType: this.contentType, Metadata: this.o.metadata })), this.opts);
      const settled = sent.then(() => undefined, () => undefined); // _destroy waits for it too
      this.inFlight.add(settled);
      await sent.finally(() => this.inFlight.delete(settled));
      this.completed = true;
      return;
    }
    const rest = this.committed - this.partsStarted * this.partSize;
    if (rest > 0) await this.startPart(rest);
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    await this.s3.send(
      new CompleteMultipartUploadCommand({ Bucket: this.o.bucket, Key: this.o.key, UploadId: this.uploadId, MultipartUpload: { Parts: this.parts } }),
      this.opts,
    );
    this.completed = true;
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.finish().then(() => cb(), (e: unknown) => cb(e as Error));
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    for (const w of this.wake.splice(0)) w(); // a waiting reserve() sees the stream destroyed
    // wait for the requests in flight (they read the ring, which 'close' hands to the next sink;
    // and a part landing after the abort could revive nothing, but some stores list it until it
    // settles), then abort the multipart upload if one is open, then report
    void Promise.allSettled(this.inFlight)
      .then(() => {
        const uploadId = this.uploadId;
        if (uploadId && !this.completed) return this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.o.bucket, Key: this.o.key, UploadId: uploadId }));
        return undefined;
      })
      .catch(() => undefined)
      .then(() => cb(err));
  }
}
