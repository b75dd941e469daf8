// The sink of a push: a multipart upload of the age ciphertext, as a Writable.
//
// Why not lib-storage's Upload (which the rest of the app uses): for a stream body it
// concatenates every part into fresh memory (a GiB of new buffers, and the GC work that comes
// with them, per GiB pushed), and the SDK then SHA-256s each part on the main thread for SigV4.
// Here parts are filled into a few buffers that are reused, and sent as UNSIGNED-PAYLOAD: the
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

export interface PartSinkOptions {
  bucket: string;
  key: string;
  partSize: number;
  /** Parts in flight at once. */
  queueSize: number;
  metadata: Record<string, string>;
  contentType?: string;
  signal?: AbortSignal;
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

export class PartSink extends Writable {
  private uploadId: string | undefined;
  private parts: { ETag: string; PartNumber: number }[] = [];
  private free: Buffer[] = [];
  private allocated = 0;
  private current: Buffer | undefined;
  private filled = 0;
  private inFlight = new Set<Promise<void>>();
  private failure: unknown;
  private completed = false;
  private readonly contentType: string;
  private readonly whenClosed: Promise<void>;

  constructor(
    private readonly s3: S3Client,
    private readonly o: PartSinkOptions,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.contentType = o.contentType ?? 'application/octet-stream';
    this.whenClosed = new Promise((resolve) => this.once('close', () => resolve()));
  }

  /** Resolves once the stream has closed: completed, or failed with its upload aborted. */
  settled(): Promise<void> {
    return this.whenClosed;
  }

  private get opts() {
    return this.o.signal ? { abortSignal: this.o.signal } : {};
  }

  /** A part buffer: a free one, a new one while fewer than queueSize + 1 exist, else wait. */
  private async buffer(): Promise<Buffer> {
    for (;;) {
      if (this.failure) throw this.failure;
      const b = this.free.pop();
      if (b) return b;
      if (this.allocated <= this.o.queueSize) {
        this.allocated++;
        return Buffer.allocUnsafeSlow(this.o.partSize);
      }
      await Promise.race(this.inFlight);
    }
  }

  private async startPart(buf: Buffer, length: number): Promise<void> {
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
    const PartNumber = this.parts.length + 1;
    const part = { ETag: '', PartNumber };
    this.parts.push(part);
    const cmd = new UploadPartCommand({ Bucket: this.o.bucket, Key: this.o.key, UploadId: this.uploadId, PartNumber, Body: buf.subarray(0, length), ContentLength: length });
    const p: Promise<void> = this.s3.send(unsigned(cmd), this.opts).then(
      (r) => {
        part.ETag = r.ETag ?? '';
        this.inFlight.delete(p);
        this.free.push(buf);
      },
      (e: unknown) => {
        this.inFlight.delete(p);
        this.failure ??= e;
      },
    );
    this.inFlight.add(p);
  }

  private async put(chunk: Buffer): Promise<void> {
    let off = 0;
    while (off < chunk.length) {
      if (!this.current) {
        this.current = await this.buffer();
        this.filled = 0;
      }
      const n = Math.min(chunk.length - off, this.o.partSize - this.filled);
      chunk.copy(this.current, this.filled, off, off + n);
      this.filled += n;
      off += n;
      if (this.filled === this.o.partSize) {
        const buf = this.current;
        this.current = undefined;
        await this.startPart(buf, this.o.partSize);
      }
    }
  }

  /**
   * Takes bytes without going through the stream (encryptStream's `sink`): resolves once they are
   * copied into a part buffer, so the caller may reuse its buffer at once. Calls must not overlap,
   * nor mix with stream writes; end the stream (with nothing written) to complete the upload.
   */
  async accept(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.checkOpen();
    await this.put(chunk);
  }

  /** Nothing may start once the stream is destroyed (an error or cancel elsewhere in the pipeline). */
  private checkOpen(): void {
    if (this.destroyed) throw (this.errored ?? new Error('the upload was closed before it completed'));
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.failure) return cb(this.failure as Error);
    this.put(chunk).then(() => cb(), (e: unknown) => cb(e as Error));
  }

  private async finish(): Promise<void> {
    if (!this.uploadId) {
      // smaller than one part: a single PUT
      const body = this.current?.subarray(0, this.filled) ?? Buffer.alloc(0);
      await this.s3.send(unsigned(new PutObjectCommand({ Bucket: this.o.bucket, Key: this.o.key, Body: body, ContentLength: body.length, ContentType: this.contentType, Metadata: this.o.metadata })), this.opts);
      this.completed = true;
      return;
    }
    if (this.filled > 0 && this.current) await this.startPart(this.current, this.filled);
    this.current = undefined;
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
    const uploadId = this.uploadId;
    if (!uploadId || this.completed) return cb(err);
    // wait for the parts in flight (a part landing after the abort could revive nothing, but
    // some stores list it until it settles), then abort, then report
    void Promise.allSettled(this.inFlight)
      .then(() => this.s3.send(new AbortMultipartUploadCommand({ Bucket: this.o.bucket, Key: this.o.key, UploadId: uploadId })))
      .catch(() => undefined)
      .then(() => cb(err));
  }
}
