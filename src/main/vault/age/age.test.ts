// age engine: round trips (passphrase, X25519), chunk boundaries, wrong keys, tampering,
// truncation, garbage, cancellation. The worker-pool path needs the built crypt worker
// (`node tools/build.mjs main`); every round trip also runs in-thread (pool: null).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { closeSharedCryptPool, sharedCryptPool } from '../../workers/crypt-pool';
import { HashPool } from '../../workers/pool';
import { CHUNK, SEALED_CHUNK } from './chunks';
import { BATCH_CHUNKS } from './stream';
import { parseHeader } from './format';
import { decryptBuffer, decryptStream, encryptBuffer, encryptStream, generateIdentity, type AgeKey, type CipherSink } from './index';
import { codeOf, run } from './testutil';

after(() => closeSharedCryptPool());

const pass = (passphrase: string): AgeKey => ({ kind: 'passphrase', passphrase, workFactor: 10 });
const toIds = (...identities: string[]): AgeKey => ({ kind: 'x25519', identities, recipients: [] });
const toRecipients = (...recipients: string[]): AgeKey => ({ kind: 'x25519', identities: [], recipients });
const MiB = 1 << 20;
const SIZES = [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, BATCH_CHUNKS * CHUNK, BATCH_CHUNKS * CHUNK + 1, 2 * BATCH_CHUNKS * CHUNK + 5];

/** Expected age file size: header + 16-byte nonce + plaintext + one 16-byte tag per chunk. */
const sealedSize = (headerLen: number, n: number) => headerLen + 16 + n + 16 * Math.max(1, Math.ceil(n / CHUNK));

describe('age: round trips', () => {
  it('the worker pool is available (crypt worker built)', () => {
    assert.ok(sharedCryptPool(), 'run `node tools/build.mjs main` first');
  });

  for (const pool of [undefined, null]) {
    const how = pool === null ? 'in-thread' : 'worker pool';
    it(`passphrase, sizes ${SIZES.join(', ')} (${how})`, async () => {
      for (const n of SIZES) {
        const data = randomBytes(n);
        const sealed = await encryptBuffer(pass('correct horse'), data, { pool });
        const h = parseHeader(sealed);
        assert.ok(h, `header of ${n}`);
        assert.equal(sealed.length, sealedSize(h.length, n), `size of ${n}`);
        const back = await decryptBuffer({ kind: 'passphrase', passphrase: 'correct horse' }, sealed, { pool });
        assert.ok(back.equals(data), `round trip of ${n} bytes`);
      }
    });
  }

  it('X25519 to several recipients: each identity decrypts, from odd-sized input pieces', async () => {
    const ids = [generateIdentity(), generateIdentity(), generateIdentity()];
    const data = randomBytes(5 * BATCH_CHUNKS * CHUNK + 12345); // 5+ batches: several in flight, order must hold
    const r = await run(encryptStream(toRecipients(...ids.map((i) => i.recipient))), data, [7, 65536, 100000, 3]);
    assert.equal(r.error, undefined);
    const h = parseHeader(r.out);
    assert.deepEqual(h?.stanzas.map((s) => s.type), ['X25519', 'X25519', 'X25519']);
    for (const id of ids) {
      const d = await run(decryptStream(toIds(id.identity)), r.out, [13, 70000, 1, 300000]);
      assert.equal(d.error, undefined);
      assert.ok(d.out.equals(data));
    }
    const other = generateIdentity();
    assert.ok((await decryptBuffer(toIds(other.identity, ids[2]!.identity), r.out)).equals(data), 'any matching identity of several');
  });

  it('plainHash: a hash session sees exactly the plaintext, in order (lent batches and in-thread tails), and the cipher stays right', async (t) => {
    const hashes = new HashPool(1);
    t.after(() => hashes.close());
    const id = generateIdentity();
    for (const [n, pool] of [[0, undefined], [CHUNK + 1, undefined], [5 * BATCH_CHUNKS * CHUNK + 12345, undefined], [3 * MiB + 5, null]] as const) {
      const data = randomBytes(n);
      const session = hashes.session();
      const r = await run(encryptStream(toRecipients(id.recipient), { pool, plainHash: session }), data, [7, 65536, 100000, 3]);
      assert.equal(r.error, undefined);
      const d = await session.digest();
      assert.deepEqual(d, { sha256: createHash('sha256').update(data).digest('hex'), bytes: n }, `digest of ${n} bytes (${pool === null ? 'in-thread' : 'pool'})`);
      assert.ok((await decryptBuffer(toIds(id.identity), r.out)).equals(data), `round trip of ${n}`);
    }
  });

  it('sink: every output byte lands in the sink\'s memory in order, within its limits; the stream stays empty', async (t) => {
    const hashes = new HashPool(1);
    t.after(() => hashes.close());
    const id = generateIdentity();
    const cases = [[0, undefined, 16 * MiB], [CHUNK + 1, undefined, 16 * MiB], [9 * BATCH_CHUNKS * CHUNK + 12345, undefined, 16 * MiB], [5 * BATCH_CHUNKS * CHUNK, undefined, 3 * MiB], [3 * MiB + 5, null, 16 * MiB]] as const;
    for (const [n, pool, maxPending] of cases) {
      const data = randomBytes(n);
      const session = hashes.session();
      // a sink that never wraps (room for everything), takes its time, and checks the contract
      const memory = new SharedArrayBuffer(n + n / 64 + 8192);
      let reserved = 0;
      let committed = 0;
      let mostPending = 0;
      const sizes: number[] = [];
      const sink: CipherSink = {
        memory,
        maxReserve: 4 * MiB,
        maxPending,
        async reserve(k) {
          await new Promise((r) => setImmediate(r));
          assert.ok(k <= 4 * MiB, 'within maxReserve');
          sizes.push(k);
          const at = reserved;
          reserved += k;
          mostPending = Math.max(mostPending, reserved - committed);
          return at;
        },
        async commit(k) {
          await new Promise((r) => setImmediate(r));
          committed += k;
          assert.ok(committed <= reserved, 'commits only what was reserved');
        },
      };
      const r = await run(encryptStream(toRecipients(id.recipient), { pool, plainHash: session, sink }), data, [7, 65536, 100000, 3]);
      const how = `${n} bytes (${pool === null ? 'in-thread' : 'pool'}, maxPending ${maxPending})`;
      assert.equal(r.error, undefined, how);
      assert.equal(r.out.length, 0, `${how}: nothing on the readable side`);
      assert.equal(committed, reserved, `${how}: everything reserved was committed`);
      assert.ok(mostPending <= maxPending, `${how}: at most maxPending pending (${mostPending})`);
      const sealed = Buffer.from(memory, 0, committed);
      assert.ok((await decryptBuffer(toIds(id.identity), sealed)).equals(data), `${how}: round trip`);
      assert.equal((await session.digest()).sha256, createHash('sha256').update(data).digest('hex'), `${how}: plainHash`);
      if (n > 2 * BATCH_CHUNKS * CHUNK) assert.ok(sizes.includes(BATCH_CHUNKS * SEALED_CHUNK), `${how}: whole batches reserved`);
    }
  });

  it('two encryptions of the same input differ (fresh file key and nonce)', async () => {
    const data = Buffer.from('same');
    const a = await encryptBuffer(pass('p'), data);
    const b = await encryptBuffer(pass('p'), data);
    assert.ok(!a.equals(b));
  });

  it('rejects bad encryption keys with BAD_INPUT', async () => {
    for (const key of [toRecipients(), toRecipients('age1notarecipient'), { kind: 'passphrase', passphrase: '' } as AgeKey, { ...pass('x'), workFactor: 23 }]) {
      const r = await run(encryptStream(key), Buffer.from('x'));
      assert.equal(codeOf(r.error), 'BAD_INPUT', JSON.stringify(key));
      assert.equal(r.out.length, 0);
    }
  });
});

describe('age: wrong keys', () => {
  it('wrong passphrase → WRONG_KEY "wrong passphrase", nothing emitted', async () => {
    const sealed = await encryptBuffer(pass('right'), randomBytes(200000));
    const r = await run(decryptStream(pass('wrong')), sealed);
    assert.equal(codeOf(r.error), 'WRONG_KEY');
    assert.equal((r.error as Error).message, 'wrong passphrase');
    assert.equal(r.out.length, 0);
  });

  it('wrong identity → WRONG_KEY "no identity matches this vault"; key kind mismatches → WRONG_KEY', async () => {
    const a = generateIdentity();
    const sealed = await encryptBuffer(toRecipients(a.recipient), randomBytes(1000));
    const r = await run(decryptStream(toIds(generateIdentity().identity)), sealed);
    assert.equal(codeOf(r.error), 'WRONG_KEY');
    assert.equal((r.error as Error).message, 'no identity matches this vault');
    assert.equal(r.out.length, 0);
    assert.equal(codeOf((await run(decryptStream(pass('x')), sealed)).error), 'WRONG_KEY');
    const bySecret = await encryptBuffer(pass('x'), Buffer.from('y'));
    assert.equal(codeOf((await run(decryptStream(toIds(a.identity)), bySecret)).error), 'WRONG_KEY');
  });
});

describe('age: tampering, truncation, garbage', () => {
  const a = generateIdentity();
  const b = generateIdentity();
  const data = randomBytes((2 * BATCH_CHUNKS + 8) * CHUNK + 1000); // two whole batches and a tail
  let sealed: Buffer;
  before(async () => {
    sealed = await encryptBuffer(toRecipients(a.recipient, b.recipient), data);
  });
  const flip = (buf: Buffer, at: number) => {
    const c = Buffer.from(buf);
    c[at] = (c[at] as number) ^ 0x01;
    return c;
  };
  const expectCorrupted = async (input: Uint8Array, what: string) => {
    const r = await run(decryptStream(toIds(a.identity)), input);
    assert.equal(codeOf(r.error), 'CORRUPTED', `${what}: ${String(r.error)}`);
    assert.match((r.error as Error).message, /^vault corrupted or tampered: /);
    return r;
  };

  it('a flipped bit anywhere (other stanza, MAC, nonce, first/middle/last chunk) → CORRUPTED', async () => {
    const h = parseHeader(sealed)!;
    const text = sealed.toString('latin1', 0, h.length);
    const second = text.indexOf('-> X25519', 30); // b's stanza: a still unwraps, the MAC fails
    const payload = h.length + 16;
    const spots: [number, string][] = [
      [second + 12, "another recipient's stanza"],
      [text.indexOf('--- ') + 6, 'header MAC'],
      [h.length - 10, 'header MAC tail'],
      [h.length + 3, 'payload nonce'],
      [payload + 5, 'first chunk'],
      [payload + (BATCH_CHUNKS + 4) * SEALED_CHUNK + 77, 'middle chunk'],
      [sealed.length - 1, 'last chunk tag'],
    ];
    for (const [at, what] of spots) await expectCorrupted(flip(sealed, at), what);
  });

  it('never emits a chunk before it authenticated: output stops before the tampered chunk', async () => {
    const h = parseHeader(sealed)!;
    const bad = BATCH_CHUNKS + 3; // in the second batch
    const r = await expectCorrupted(flip(sealed, h.length + 16 + bad * SEALED_CHUNK + 100), 'chunk 35');
    assert.ok(r.out.length <= bad * CHUNK, `emitted ${r.out.length} bytes, chunk ${bad} starts at ${bad * CHUNK}`);
    assert.ok(r.out.equals(data.subarray(0, r.out.length)), 'what was emitted is authentic plaintext');
  });

  it('truncation (missing last chunk, cut mid-chunk, header/nonce only) and trailing data → CORRUPTED', async () => {
    const h = parseHeader(sealed)!;
    const payload = h.length + 16;
    await expectCorrupted(sealed.subarray(0, payload + (2 * BATCH_CHUNKS + 8) * SEALED_CHUNK), 'missing last chunk');
    await expectCorrupted(sealed.subarray(0, payload + BATCH_CHUNKS * SEALED_CHUNK), 'cut at a batch boundary');
    await expectCorrupted(sealed.subarray(0, sealed.length - 500), 'cut mid-chunk');
    await expectCorrupted(sealed.subarray(0, payload + 5), 'a few payload bytes');
    await expectCorrupted(sealed.subarray(0, payload), 'nonce only');
    await expectCorrupted(sealed.subarray(0, h.length + 7), 'partial nonce');
    await expectCorrupted(sealed.subarray(0, h.length - 3), 'partial header');
    await expectCorrupted(Buffer.concat([sealed, Buffer.from('x')]), 'trailing byte');
    const oneChunk = await encryptBuffer(toRecipients(a.recipient), randomBytes(CHUNK));
    await expectCorrupted(Buffer.concat([oneChunk, Buffer.alloc(16)]), 'an empty extra chunk');
  });

  it('garbage, empty input, bare version line, armored text → CORRUPTED without a crash', async () => {
    await expectCorrupted(Buffer.alloc(0), 'empty');
    await expectCorrupted(randomBytes(300000), 'random bytes');
    await expectCorrupted(Buffer.from('age-encryption.org/v1\n'), 'version line only');
    await expectCorrupted(Buffer.from('age-encryption.org/v1\n-> X25519\n\n--- AAAA\n'), 'bad MAC line');
    await expectCorrupted(Buffer.from('age-encryption.org/v1\n' + 'x'.repeat(2 * MiB)), 'endless line');
    await expectCorrupted(Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n'), 'armor');
    const r = await expectCorrupted(Buffer.from('PK\x03\x04 zip'), 'zip');
    assert.match((r.error as Error).message, /not an age v1 file/);
  });
});

describe('age: cancellation', () => {
  it('an abort signal stops encryption and decryption with CANCELLED', async () => {
    const ac = new AbortController();
    let produced = 0;
    const endless = Readable.from(
      (async function* () {
        for (;;) {
          produced += MiB;
          if (produced === 8 * MiB) ac.abort();
          yield randomBytes(MiB);
        }
      })(),
    );
    const enc = encryptStream(pass('p'), { signal: ac.signal });
    const err = await new Promise<unknown>((resolve) => {
      enc.on('error', resolve);
      enc.resume();
      endless.pipe(enc);
    });
    endless.destroy();
    assert.equal(codeOf(err), 'CANCELLED');
    assert.ok(produced < 64 * MiB);

    const aborted = AbortSignal.abort();
    const r = await run(decryptStream(pass('p'), { signal: aborted }), await encryptBuffer(pass('p'), randomBytes(3 * MiB)));
    assert.equal(codeOf(r.error), 'CANCELLED');
  });
});
