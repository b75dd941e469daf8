// age v1 (https://age-encryption.org/v1) for the Vault: passphrase (scrypt) and X25519
// recipients/identities, streaming, payload ciphered in worker threads. Files interoperate with
// the `age` CLI both ways (see age.interop.test.ts).
import { hkdfSync, randomBytes } from 'node:crypto';
import { Readable, type Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../errors';
import { MAX_ARMORED, dearmor, looksArmored } from './armor';
import { FILE_KEY_SIZE, corrupted, encodeHeader, parseHeader, verifyHeaderMac, type ParsedHeader, type Stanza } from './format';
import {
  DEFAULT_WORK_FACTOR, MAX_WORK_FACTOR, parseIdentity, parseRecipient, scryptStanza, unwrapScrypt, unwrapX25519, x25519Stanza,
} from './recipients';
import { ChunkTransform, type CipherOptions } from './stream';

export { generateIdentity, isRecipient, parseIdentities, recipientOf } from './recipients';
export { copyToSink, type CipherOptions, type CipherSink } from './stream';

export type AgeKey =
  | { kind: 'passphrase'; passphrase: string; workFactor?: number }
  | { kind: 'x25519'; identities: string[]; recipients: string[] };

const NONCE_SIZE = 16;

function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', fileKey, nonce, 'payload', 32));
}

async function makeStanzas(key: AgeKey, fileKey: Buffer): Promise<Stanza[]> {
  if (key.kind === 'passphrase') {
    const wf = key.workFactor ?? DEFAULT_WORK_FACTOR;
    if (!Number.isInteger(wf) || wf < 1 || wf > MAX_WORK_FACTOR) throw new AppError('BAD_INPUT', `scrypt work factor must be 1…${MAX_WORK_FACTOR}`);
    if (!key.passphrase) throw new AppError('BAD_INPUT', 'the passphrase is empty');
    return [await scryptStanza(fileKey, key.passphrase, wf)];
  }
  if (key.recipients.length === 0) throw new AppError('BAD_INPUT', 'no recipients to encrypt to');
  return key.recipients.map((r) => x25519Stanza(fileKey, parseRecipient(r.trim())));
}

/** Finds the file key in the header with this key; WRONG_KEY if none opens, CORRUPTED if the MAC fails. */
async function unwrapFileKey(key: AgeKey, h: ParsedHeader): Promise<Buffer> {
  let fileKey: Buffer | null = null;
  const scrypts = h.stanzas.filter((s) => s.type === 'scrypt');
  if (scrypts.length > 0 && h.stanzas.length > 1) throw corrupted('an scrypt stanza must be the only stanza');
  if (key.kind === 'passphrase') {
    const s = scrypts[0];
    if (!s) throw new AppError('WRONG_KEY', 'wrong passphrase', 'this vault is encrypted to age recipients (identity files), not a passphrase');
    fileKey = await unwrapScrypt(s, key.passphrase);
    if (!fileKey) throw new AppError('WRONG_KEY', 'wrong passphrase');
  } else {
    if (scrypts.length > 0) throw new AppError('WRONG_KEY', 'no identity matches this vault', 'this vault is encrypted with a passphrase');
    const ids = key.identities.map(parseIdentity);
    for (const s of h.stanzas) {
      if (s.type !== 'X25519') continue; // other recipient types (and grease) are skipped
      for (const id of ids) {
        fileKey = unwrapX25519(s, id);
        if (fileKey) break;
      }
      if (fileKey) break;
    }
    if (!fileKey) throw new AppError('WRONG_KEY', 'no identity matches this vault');
  }
  if (fileKey.length !== FILE_KEY_SIZE) throw corrupted('the file key has the wrong size');
  if (!verifyHeaderMac(fileKey, h)) throw corrupted('the header MAC does not match');
  return fileKey;
}

class EncryptTransform extends ChunkTransform {
  constructor(
    private readonly key: AgeKey,
    opts: CipherOptions,
  ) {
    super('seal', opts);
  }

  private async start(): Promise<void> {
    if (this.payloadKey) return;
    const fileKey = randomBytes(FILE_KEY_SIZE);
    const header = encodeHeader(await makeStanzas(this.key, fileKey), fileKey);
    const nonce = randomBytes(NONCE_SIZE);
    this.payloadKey = payloadKey(fileKey, nonce);
    await this.output(Buffer.concat([header, nonce]));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.guard(async () => {
      await this.start();
      await this.feed(chunk);
    }, cb);
  }

  override _flush(cb: TransformCallback): void {
    this.guard(async () => {
      await this.start();
      await this.finish();
    }, cb);
  }
}

class DecryptTransform extends ChunkTransform {
  private head: Buffer[] = [];
  private headLen = 0;
  private fileKey: Buffer | undefined;
  /** Undecided until the first bytes arrive; armored input is buffered and decoded at the end. */
  private armored: boolean | undefined;

  constructor(
    private readonly key: AgeKey,
    opts: CipherOptions,
  ) {
    super('open', opts);
  }

  private async accept(chunk: Buffer): Promise<void> {
    if (this.payloadKey) return this.feed(chunk);
    this.head.push(chunk);
    this.headLen += chunk.length;
    let buf = Buffer.concat(this.head, this.headLen);
    if (this.armored === undefined) {
      this.armored = looksArmored(buf);
      if (this.armored === undefined) return;
    }
    if (this.armored) {
      if (buf.length > MAX_ARMORED) throw corrupted(`armored file larger than ${MAX_ARMORED >> 20} MiB`);
      this.head = [buf];
      return; // decoded whole at the end (see _flush)
    }
    if (!this.fileKey) {
      const h = parseHeader(buf);
      if (!h) return;
      this.fileKey = await unwrapFileKey(this.key, h);
      buf = buf.subarray(h.length);
    }
    this.head = [buf];
    this.headLen = buf.length;
    if (buf.length < NONCE_SIZE) return;
    this.payloadKey = payloadKey(this.fileKey, buf.subarray(0, NONCE_SIZE));
    this.head = [];
    return this.feed(buf.subarray(NONCE_SIZE));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.guard(() => this.accept(chunk), cb);
  }

  override _flush(cb: TransformCallback): void {
    this.guard(async () => {
      if (this.armored) {
        const binary = dearmor(Buffer.concat(this.head, this.headLen));
        this.armored = false;
        this.head = [];
        this.headLen = 0;
        await this.accept(binary);
      }
      if (!this.payloadKey) {
        if (this.headLen === 0 && !this.fileKey) throw corrupted('the file is empty');
        throw corrupted(this.fileKey ? 'the payload nonce is missing (truncated file)' : 'the header is incomplete (truncated file)');
      }
      await this.finish();
    }, cb);
  }
}

/** plaintext → age file bytes. */
export function encryptStream(key: AgeKey, opts: CipherOptions = {}): Transform {
  return new EncryptTransform(key, opts);
}

/**
 * age file → plaintext. Nothing is emitted before the header (key + MAC) verified; each batch of
 * chunks is emitted only after all its chunks authenticated. Errors: AppError WRONG_KEY / CORRUPTED.
 */
export function decryptStream(key: AgeKey, opts: CipherOptions = {}): Transform {
  return new DecryptTransform(key, opts);
}

async function through(t: Transform, data: Uint8Array): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]), t, async (src: AsyncIterable<Buffer>) => {
    for await (const c of src) out.push(c);
  });
  return Buffer.concat(out);
}

export function encryptBuffer(key: AgeKey, data: Uint8Array, opts: CipherOptions = {}): Promise<Buffer> {
  return through(encryptStream(key, opts), data);
}

export function decryptBuffer(key: AgeKey, data: Uint8Array, opts: CipherOptions = {}): Promise<Buffer> {
  return through(decryptStream(key, opts), data);
}
