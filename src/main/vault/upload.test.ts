// PartSink (the push's uploader): its ring of part windows against a slow fake client (no window
// rewritten in flight, queueSize kept); and against RGW and the sandbox: multipart and single-PUT
// uploads land byte-exact with their metadata, parts go out as UNSIGNED-PAYLOAD, and a failed or
// cancelled stream leaves neither an object nor a multipart upload behind.
import { CompleteMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, PutObjectCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { createS3Client } from '../s3/client-factory';
import { freshBucket, testTargets } from '../testing/targets';
import { PartSink } from './upload';

describe('PartSink ring (an S3 client that answers after a while)', () => {
  it('sends every window as it lies, never writes one that is in flight, keeps queueSize parts in flight at most', async () => {
    const data = randomBytes(40 * MiB + 11);
    const parts = new Map<number, Buffer>();
    let inFlight = 0;
    let most = 0;
    const problems: string[] = [];
    let completed: { PartNumber?: number }[] = [];
    const s3 = {
      send: async (cmd: { input: Record<string, unknown> }) => {
        const input = cmd.input;
        if (cmd instanceof UploadPartCommand) {
          const body = input.Body as Buffer;
          const sent = Buffer.from(body); // what it held when sent
          most = Math.max(most, ++inFlight);
          // part 12 (the ring's second round) lags far behind the others, which overtake it: its window must wait
          await new Promise((r) => setTimeout(r, input.PartNumber === 12 ? 300 : 1 + Math.random() * 5));
          if (!body.equals(sent)) problems.push(`part ${String(input.PartNumber)} was overwritten while in flight`);
          if (!(body.buffer instanceof SharedArrayBuffer)) problems.push('a part was copied out of the ring');
          parts.set(input.PartNumber as number, sent);
          inFlight--;
          return { ETag: `"e${String(input.PartNumber)}"` };
        }
        if (cmd instanceof CompleteMultipartUploadCommand) completed = (input.MultipartUpload as { Parts: { PartNumber?: number }[] }).Parts;
        return { UploadId: 'u1' };
      },
    } as unknown as S3Client;
    const sink = new PartSink(s3, { bucket: 'b', key: 'k', partSize: MiB, queueSize: 2, metadata: {}, maxPending: 5 * MiB });
    await feedRing(sink, data, [183, 2097664, 700001, 2097664, 3]);
    await pipeline(Readable.from([]), sink);
    assert.deepEqual(problems, []);
    assert.ok(most <= 2, `at most queueSize parts in flight (${most})`);
    assert.deepEqual(completed.map((p) => p.PartNumber), [...parts.keys()].sort((a, b) => a - b));
    assert.ok(Buffer.concat([...parts.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1])).equals(data));
  });

  it('a closed sink\'s ring goes to the next sink of its size, never to one open at the same time, and only once its requests settled', async () => {
    const events: string[] = [];
    const slow = {
      send: async (cmd: { input: Record<string, unknown> }) => {
        if (cmd instanceof UploadPartCommand || cmd instanceof PutObjectCommand) {
          events.push('sent');
          await new Promise((r) => setTimeout(r, 50));
          events.push('settled');
          return { ETag: '"e"' };
        }
        return { UploadId: 'u1' };
      },
    } as unknown as S3Client;
    const opts = { bucket: 'b', key: 'k', partSize: MiB, queueSize: 2, metadata: {} };
    // destroyed (a cancel) while a part is in flight: closes after it settled
    const a = new PartSink(slow, opts);
    a.on('error', () => undefined);
    await feedRing(a, randomBytes(MiB + 5), [MiB + 5]);
    assert.deepEqual(events, ['sent']);
    a.destroy(new Error('cancelled'));
    await a.settled();
    events.push('closed');
    assert.deepEqual(events, ['sent', 'settled', 'closed']);
    const b = new PartSink(slow, opts);
    const c = new PartSink(slow, opts);
    assert.equal(b.memory, a.memory, 'the next sink takes the closed one\'s ring');
    assert.notEqual(c.memory, b.memory, 'two open sinks never share one');
    assert.notEqual(new PartSink(slow, { ...opts, partSize: 2 * MiB }).memory, a.memory, 'nor does a sink of another size');
    // destroyed during the single PUT of a small upload: closes after the PUT settled
    events.length = 0;
    c.on('error', () => undefined);
    await feedRing(c, randomBytes(1000), [1000]);
    c.end();
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(events, ['sent']);
    c.destroy(new Error('cancelled'));
    await c.settled();
    events.push('closed');
    assert.deepEqual(events, ['sent', 'settled', 'closed']);
    b.destroy();
  });

  it('refuses to reserve more than maxPending, or more than it takes at once', async () => {
    const s3 = { send: async () => ({ UploadId: 'u1', ETag: '"e"' }) } as unknown as S3Client;
    const sink = new PartSink(s3, { bucket: 'b', key: 'k', partSize: MiB, queueSize: 2, metadata: {}, maxPending: 3 * MiB });
    await assert.rejects(sink.reserve(sink.maxReserve + 1), RangeError);
    await sink.reserve(2 * MiB);
    await assert.rejects(sink.reserve(2 * MiB), /maxPending/);
    await assert.rejects(sink.commit(3 * MiB), /never reserved/);
    sink.destroy();
  });
});

const { targets, skipped } = testTargets();
for (const s of skipped) it(`vault upload: ${s}`, (t) => t.skip(s));

const MiB = 1 << 20;

/** `data` in pieces of the given sizes (cycled), then optionally an error. */
function pieces(data: Buffer, sizes: number[], failAfter?: number): Readable {
  return Readable.from(
    (function* () {
      for (let off = 0, i = 0; off < data.length; i++) {
        if (failAfter !== undefined && off >= failAfter) throw new Error('source broke');
        const n = sizes[i % sizes.length] ?? 1;
        yield data.subarray(off, off + n);
        off += n;
      }
    })(),
  );
}

/**
 * Feeds `data` as encryptStream does: regions of the given sizes (cycled) reserved in order, up to
 * two pending, each written into the sink's memory (running on into the slack where the ring
 * ends) and committed in order.
 */
async function feedRing(sink: PartSink, data: Buffer, sizes: number[]): Promise<void> {
  const pending: number[] = [];
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = Math.min(sizes[i % sizes.length] ?? 1, data.length - off);
    const at = await sink.reserve(n);
    data.copy(Buffer.from(sink.memory, at, n), 0, off, off + n);
    pending.push(n);
    off += n;
    if (pending.length === 2) await sink.commit(pending.shift()!);
  }
  while (pending.length) await sink.commit(pending.shift()!);
}

/** Records the x-amz-content-sha256 header of every request the client signs, by command. */
function spyPayloadHeaders(s3: S3Client): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  s3.middlewareStack.add(
    (next, context) => (args) => {
      const h = (args.request as { headers?: Record<string, string> }).headers ?? {};
      const name = String(context.commandName);
      seen.set(name, [...(seen.get(name) ?? []), h['x-amz-content-sha256'] ?? '']);
      return next(args);
    },
    { step: 'deserialize', name: 'spyPayloadHeaders' },
  );
  return seen;
}

for (const target of targets) {
  describe(`vault upload (PartSink) on ${target.name}`, () => {
    const s3 = createS3Client(target.spec);
    const seen = spyPayloadHeaders(s3);
    const read = async (bucket: string, key: string) =>
      Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());
    const exists = (bucket: string, key: string) =>
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(() => true, (e: { name?: string }) => (e.name === 'NotFound' ? false : Promise.reject(e)));
    const uploadsLeft = async (bucket: string, t: { diagnostic(m: string): void }) => {
      try {
        return (await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads?.length ?? 0;
      } catch (e) {
        t.diagnostic(`${target.name}: no ListMultipartUploads (${(e as Error).name}); the multipart check needs a real endpoint`);
        return 0;
      }
    };

    it('uploads in parts from odd-sized pieces, byte-exact, with metadata, unsigned', async (t) => {
      const bucket = await freshBucket(s3, 'vup');
      const data = randomBytes(12 * MiB + 7);
      seen.clear();
      await pipeline(pieces(data, [7, 65536 + 16, MiB, 3 * MiB + 1]), new PartSink(s3, { bucket, key: 'v/big.tar.aes', partSize: 5 * MiB, queueSize: 2, metadata: { 'vault-version': 'x1' } }));
      assert.ok((await read(bucket, 'v/big.tar.aes')).equals(data));
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'v/big.tar.aes' }));
      assert.equal(head.Metadata?.['vault-version'], 'x1');
      assert.equal(head.ContentLength, data.length);
      assert.deepEqual(seen.get('UploadPartCommand'), ['UNSIGNED-PAYLOAD', 'UNSIGNED-PAYLOAD', 'UNSIGNED-PAYLOAD'], 'three parts, none hashed for SigV4');
      assert.equal(await uploadsLeft(bucket, t), 0);
    });

    it('uploads what fits in one part with a single PUT, and an empty stream as an empty object', async () => {
      const bucket = await freshBucket(s3, 'vup1');
      const data = randomBytes(MiB + 3);
      seen.clear();
      await pipeline(pieces(data, [100000]), new PartSink(s3, { bucket, key: 'small', partSize: 5 * MiB, queueSize: 2, metadata: { a: 'b' } }));
      assert.ok((await read(bucket, 'small')).equals(data));
      assert.equal(seen.get('CreateMultipartUploadCommand'), undefined);
      assert.deepEqual(seen.get('PutObjectCommand'), ['UNSIGNED-PAYLOAD']);
      await pipeline(Readable.from([]), new PartSink(s3, { bucket, key: 'empty', partSize: 5 * MiB, queueSize: 2, metadata: {} }));
      assert.equal((await read(bucket, 'empty')).length, 0);
    });

    it('a source that fails after some parts: the error comes through, no object, no multipart upload left', async (t) => {
      const bucket = await freshBucket(s3, 'vupf');
      const data = randomBytes(16 * MiB);
      const sink = new PartSink(s3, { bucket, key: 'broken', partSize: 5 * MiB, queueSize: 2, metadata: {} });
      await assert.rejects(pipeline(pieces(data, [MiB], 11 * MiB), sink), /source broke/);
      await sink.settled();
      assert.equal(await exists(bucket, 'broken'), false);
      assert.equal(await uploadsLeft(bucket, t), 0);
    });

    it('reserve/commit (how encryptStream feeds it) lands byte-exact across the ring\'s end; a destroyed sink refuses', async (t) => {
      const bucket = await freshBucket(s3, 'vupr');
      const data = randomBytes(31 * MiB + 7);
      // 4 windows of 5 MiB: the 31 MiB go round the ring one and a half times
      const sink = new PartSink(s3, { bucket, key: 'ring', partSize: 5 * MiB, queueSize: 2, metadata: {}, maxPending: 5 * MiB });
      await feedRing(sink, data, [183, 2097664, 2097664, 1000003]);
      await pipeline(Readable.from([]), sink); // the end completes the upload
      assert.ok((await read(bucket, 'ring')).equals(data));

      const dead = new PartSink(s3, { bucket, key: 'dead', partSize: 5 * MiB, queueSize: 2, metadata: {} });
      dead.on('error', () => undefined); // as pipeline() would listen
      dead.destroy(new Error('elsewhere in the pipeline'));
      await dead.settled();
      await assert.rejects(dead.reserve(MiB), /elsewhere in the pipeline/);
      assert.equal(await exists(bucket, 'dead'), false);
      assert.equal(await uploadsLeft(bucket, t), 0);
    });

    it('cancel (abort signal) mid-upload: rejects, no object, no multipart upload left', async (t) => {
      const bucket = await freshBucket(s3, 'vupc');
      const ac = new AbortController();
      let fed = 0;
      const slow = Readable.from(
        (async function* () {
          for (;;) {
            fed += MiB;
            if (fed === 12 * MiB) ac.abort();
            yield randomBytes(MiB);
            await new Promise((r) => setImmediate(r));
          }
        })(),
      );
      const sink = new PartSink(s3, { bucket, key: 'cancelled', partSize: 5 * MiB, queueSize: 2, metadata: {}, signal: ac.signal });
      await assert.rejects(pipeline(slow, sink, { signal: ac.signal }), /abort/i);
      await sink.settled();
      assert.ok(fed < 40 * MiB, 'stopped reading');
      assert.equal(await exists(bucket, 'cancelled'), false);
      assert.equal(await uploadsLeft(bucket, t), 0);
    });
  });
}
