// HashPool: SHA-256 in worker threads must equal node:crypto on the main thread, for files and
// streams, and honour AbortSignal. Needs the built worker (`node tools/build.mjs main`).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HashPool } from './pool';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MiB = 1 << 20;

/** Yields `data` in chunks of the given sizes (cycled), as views into one big buffer. */
async function* chunked(data: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let off = 0;
  let i = 0;
  while (off < data.byteLength) {
    const n = Math.max(1, sizes[i++ % sizes.length] ?? 1);
    yield data.subarray(off, off + n);
    off += n;
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || /abort/i.test(e.message));
}

describe('HashPool', () => {
  let dir: string;
  let pool: HashPool;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3deck-pool-test-'));
    pool = new HashPool(2);
  });
  after(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('uses the requested number of threads', () => {
    assert.equal(pool.threads, 2);
  });

  describe('hashFile', () => {
    const sizes = [0, 1, 1000, MiB - 1, MiB, 3 * MiB + 17];
    for (const size of sizes) {
      it(`matches node:crypto for ${size} random bytes`, async () => {
        const data = randomBytes(size);
        const file = join(dir, `f-${size}.bin`);
        await writeFile(file, data);
        const r = await pool.hashFile(file);
        assert.equal(r.bytes, size);
        assert.equal(r.sha256, sha256(data));
        if (size === 0) assert.equal(r.sha256, EMPTY_SHA256);
      });
    }

    it('hashes a byte range (start and end inclusive, like createReadStream)', async () => {
      const data = randomBytes(2 * MiB + 5);
      const file = join(dir, 'range.bin');
      await writeFile(file, data);
      const start = 12345;
      const end = MiB + 999;
      const r = await pool.hashFile(file, undefined, { start, end });
      assert.equal(r.bytes, end - start + 1);
      assert.equal(r.sha256, sha256(data.subarray(start, end + 1)));
    });

    it('hashes several files in parallel', async () => {
      const datas = Array.from({ length: 6 }, (_, i) => randomBytes(i * 300_001 + 7));
      const files = await Promise.all(
        datas.map(async (d, i) => {
          const f = join(dir, `par-${i}.bin`);
          await writeFile(f, d);
          return f;
        }),
      );
      const results = await Promise.all(files.map((f) => pool.hashFile(f)));
      results.forEach((r, i) => assert.equal(r.sha256, sha256(datas[i]!)));
    });

    it('rejects for a missing file', async () => {
      await assert.rejects(pool.hashFile(join(dir, 'does-not-exist.bin')), (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.match(`${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`, /ENOENT/);
        return true;
      });
    });

    it('rejects at once with an already-aborted signal', async () => {
      const file = join(dir, 'f-1000.bin');
      await assert.rejects(pool.hashFile(file, AbortSignal.abort()), isAbort);
    });

    it('cancels a running hash when the signal aborts, and keeps working afterwards', async () => {
      // a 64 GiB sparse file: no disk use, but far too long to hash before the abort arrives
      const big = join(dir, 'sparse.bin');
      await writeFile(big, '');
      await truncate(big, 64 * 1024 * MiB);
      const ac = new AbortController();
      const p = pool.hashFile(big, ac.signal);
      await sleep(100);
      const t0 = Date.now();
      ac.abort();
      await assert.rejects(p, isAbort);
      assert.ok(Date.now() - t0 < 5000, 'abort took effect promptly');
      await rm(big);
      const data = randomBytes(4096);
      const f = join(dir, 'after-abort.bin');
      await writeFile(f, data);
      assert.equal((await pool.hashFile(f)).sha256, sha256(data));
    });
  });

  describe('hashStream', () => {
    it('hashes an empty stream', async () => {
      const r = await pool.hashStream(chunked(new Uint8Array(0), [1]));
      assert.deepEqual(r, { sha256: EMPTY_SHA256, bytes: 0 });
    });

    for (const [label, size, chunks] of [
      ['one small chunk', 100, [100]],
      ['odd-sized chunks', 1_000_003, [1, 4095, 65536, 7]],
      ['>1 MiB in 64 KiB chunks', 5 * MiB + 3, [65536]],
    ] as const) {
      it(`matches node:crypto: ${label}`, async () => {
        const data = randomBytes(size);
        const copy = Buffer.from(data);
        const r = await pool.hashStream(chunked(data, [...chunks]));
        assert.equal(r.bytes, size);
        assert.equal(r.sha256, sha256(copy));
        // the caller's buffer must not be detached or changed by the transfer to the worker
        assert.equal(data.byteLength, size);
        assert.ok(data.equals(copy));
      });
    }

    it('accepts a Node Readable', async () => {
      const { Readable } = await import('node:stream');
      const data = randomBytes(2 * MiB + 1);
      const r = await pool.hashStream(Readable.from(chunked(data, [100_000])));
      assert.equal(r.sha256, sha256(data));
    });

    it('cancels when the signal aborts mid-stream', async () => {
      const ac = new AbortController();
      let produced = 0;
      async function* slow(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < 1000; i++) {
          produced++;
          if (i === 3) ac.abort();
          yield randomBytes(1024);
          await sleep(1);
        }
      }
      await assert.rejects(pool.hashStream(slow(), ac.signal), isAbort);
      assert.ok(produced < 10, `stopped reading the source (read ${produced} chunks)`);
    });

    it('rejects with an already-aborted signal', async () => {
      await assert.rejects(pool.hashStream(chunked(randomBytes(10), [5]), AbortSignal.abort()), isAbort);
    });

    it('propagates a source error', async () => {
      async function* broken(): AsyncGenerator<Uint8Array> {
        yield randomBytes(10);
        throw new Error('source broke');
      }
      await assert.rejects(pool.hashStream(broken()), /source broke/);
      // and the pool is still usable
      const data = randomBytes(1234);
      assert.equal((await pool.hashStream(chunked(data, [500]))).sha256, sha256(data));
    });
  });

  describe('session lend', () => {
    it('hashes lent views of shared memory in place, in order with copied chunks, and acknowledges each', async () => {
      const data = randomBytes(5 * MiB + 333);
      const s = pool.session();
      const shared = new Uint8Array(new SharedArrayBuffer(data.length + 100));
      const acks: Promise<void>[] = [];
      let off = 0;
      for (const [i, n] of [MiB, 1000, MiB + 5, 7, 2 * MiB, 5 * MiB].entries()) {
        const part = data.subarray(off, Math.min(data.length, off + n));
        if (i % 2 === 1) s.update(part); // copied: the caller keeps it
        else {
          shared.set(part, off + 50); // views at odd offsets: only the view's bytes count
          acks.push(s.lend(shared.subarray(off + 50, off + 50 + part.length)));
        }
        off += part.length;
      }
      assert.equal(off, data.length);
      await Promise.all(acks);
      const r = await s.digest();
      assert.equal(r.sha256, sha256(data));
      assert.equal(r.bytes, data.length);
    });

    it('refuses to lend memory that is not shared (it would be read while the caller changes it)', async () => {
      const s = pool.session();
      await assert.rejects(s.lend(new Uint8Array(8)), /shared memory/);
      assert.deepEqual(await s.digest(), { sha256: EMPTY_SHA256, bytes: 0 });
    });

    it('refuses a lend or an update once the session has ended', async () => {
      const s = pool.session();
      s.abandon();
      await assert.rejects(s.lend(new Uint8Array(new SharedArrayBuffer(8))), /ended/);
      assert.throws(() => s.update(new Uint8Array(1)), /ended/);
      // the worker task still ends cleanly (and before the pool closes)
      assert.deepEqual(await s.digest(), { sha256: EMPTY_SHA256, bytes: 0 });
    });
  });
});
