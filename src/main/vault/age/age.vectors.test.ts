// age testkit vectors (see testkit.ts): success → the plaintext's SHA-256 matches; no match →
// WRONG_KEY; header failure → CORRUPTED raised while reading the header (before any payload);
// armor failure → CORRUPTED from the armor decoder.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { closeSharedCryptPool } from '../../workers/crypt-pool';
import { parseHeader } from './format';
import { decryptBuffer, decryptStream, encryptBuffer, recipientOf, type AgeKey } from './index';
import { ARMOR, VECTORS, dearmor } from './testkit';
import { codeOf, run } from './testutil';

after(() => closeSharedCryptPool());

const reference = dearmor(ARMOR);
const sharedPayload = reference.subarray(parseHeader(reference)!.length); // nonce + the one chunk

describe('age testkit vectors', () => {
  for (const v of VECTORS) {
    it(`${v.name}: ${v.expect}`, async () => {
      const file = v.armored ? Buffer.from(v.text, 'latin1') : Buffer.concat([Buffer.from(v.text, 'latin1'), sharedPayload]);
      const keys: AgeKey[] = [];
      if (v.identity) keys.push({ kind: 'x25519', identities: [v.identity], recipients: [] });
      if (v.passphrase) keys.push({ kind: 'passphrase', passphrase: v.passphrase });
      for (const key of keys) {
        const r = await run(decryptStream(key), file, [5, 40, 1000]);
        if (v.expect === 'success') {
          assert.equal(r.error, undefined);
          assert.equal(createHash('sha256').update(r.out).digest('hex'), v.payloadSha256);
        } else if (v.expect === 'no match') {
          assert.equal(codeOf(r.error), 'WRONG_KEY');
        } else if (v.expect === 'armor failure') {
          assert.equal(codeOf(r.error), 'CORRUPTED', String(r.error));
          assert.match((r.error as Error).message, /armor/);
        } else {
          assert.equal(codeOf(r.error), 'CORRUPTED', String(r.error));
          assert.doesNotMatch((r.error as Error).message, /chunk|payload/, 'fails in the header, not the payload');
          assert.equal(r.out.length, 0);
        }
      }
    });
  }

  it('recipientOf(identity) is the recipient that identity decrypts for', async () => {
    const identity = VECTORS[0]!.identity!;
    const recipient = recipientOf(identity);
    assert.match(recipient, /^age1[02-9ac-hj-np-z]{58}$/);
    const sealed = await encryptBuffer({ kind: 'x25519', identities: [], recipients: [recipient] }, Buffer.from('hi'));
    assert.equal((await decryptBuffer({ kind: 'x25519', identities: [identity], recipients: [] }, sealed)).toString(), 'hi');
  });
});
