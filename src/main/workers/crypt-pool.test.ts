// CryptPool: a batch ciphered in a worker equals the same batch ciphered in-thread, the input
// buffer comes back for reuse, and a failed chunk surfaces as the AUTH_FAILED error.
// Needs the built worker (`node tools/build.mjs main`).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { AUTH_FAILED, CHUNK, SEALED_CHUNK, batchOutput, cipherBatch } from '../vault/age/chunks';
import { CryptPool } from './crypt-pool';

const pool = new CryptPool(2);
after(() => pool.close());

const owned = (b: Uint8Array): ArrayBuffer => {
  const copy = new Uint8Array(b.length);
  copy.set(b);
  return copy.buffer;
};

describe('CryptPool', () => {
  it('seals and opens like cipherBatch, and hands the input buffer back', async () => {
    const key = new Uint8Array(randomBytes(32));
    const plain = randomBytes(5 * CHUNK + 777);
    const local = Buffer.concat(batchOutput(cipherBatch('seal', key, 7, plain, true)));
    const input = owned(plain);
    const sealed = await pool.run('seal', key, 7, input, plain.length, true);
    assert.equal(input.byteLength, 0, 'the input was transferred');
    assert.equal(sealed.input.byteLength, plain.length, 'and came back');
    const remote = Buffer.concat(batchOutput(sealed.result));
    assert.ok(remote.equals(local));
    assert.equal(remote.length, plain.length + 6 * 16);
    const opened = await pool.run('open', key, 7, owned(remote), remote.length, true);
    assert.ok(Buffer.concat(batchOutput(opened.result)).equals(plain));
  });

  it('a tampered chunk fails the batch with AUTH_FAILED', async () => {
    const key = new Uint8Array(randomBytes(32));
    const sealed = Buffer.concat(batchOutput(cipherBatch('seal', key, 0, randomBytes(4 * CHUNK), false)));
    sealed[2 * SEALED_CHUNK + 5]! ^= 1;
    await assert.rejects(pool.run('open', key, 0, owned(sealed), sealed.length, false), (e: Error) => e.message.startsWith(AUTH_FAILED) && /chunk 2/.test(e.message));
  });
});
