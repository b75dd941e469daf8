// age v1 recipient types: scrypt (passphrase) and X25519 (age1… recipients, AGE-SECRET-KEY-1…
// identities). Wraps the 16-byte file key into stanzas and unwraps it again. Primitives are all
// node:crypto (X25519 keys travel as DER: fixed prefix + 32 raw bytes).
import {
  createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync,
  hkdfSync, randomBytes, scrypt, type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { AppError } from '../../errors';
import { bech32Decode, bech32Encode } from './bech32';
import { b64, corrupted, unb64, type Stanza } from './format';

const scryptAsync = promisify(scrypt) as (pw: Buffer, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

export const DEFAULT_WORK_FACTOR = 18;
export const MAX_WORK_FACTOR = 22;
const SCRYPT_LABEL = 'age-encryption.org/v1/scrypt';
const X25519_LABEL = 'age-encryption.org/v1/X25519';
const ZERO_NONCE = Buffer.alloc(12);
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

/** ChaCha20-Poly1305 with the all-zero nonce: how age wraps a file key. */
function seal(key: Uint8Array, plain: Uint8Array): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: 16 });
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

function open(key: Uint8Array, body: Buffer): Buffer | null {
  if (body.length < 16) return null;
  try {
    const d = createDecipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: 16 });
    d.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
  } catch {
    return null;
  }
}

// ---------- scrypt ----------

function scryptKey(passphrase: string, salt: Buffer, logN: number): Promise<Buffer> {
  const N = 2 ** logN;
  const fullSalt = Buffer.concat([Buffer.from(SCRYPT_LABEL, 'latin1'), salt]);
  return scryptAsync(Buffer.from(passphrase, 'utf8'), fullSalt, 32, { N, r: 8, p: 1, maxmem: 128 * 8 * (N + 64) });
}

export async function scryptStanza(fileKey: Buffer, passphrase: string, logN: number): Promise<Stanza> {
  const salt = randomBytes(16);
  const key = await scryptKey(passphrase, salt, logN);
  return { type: 'scrypt', args: [b64(salt), String(logN)], body: seal(key, fileKey) };
}

/** The file key if the passphrase opens this (only) scrypt stanza, else null. */
export async function unwrapScrypt(s: Stanza, passphrase: string): Promise<Buffer | null> {
  const [saltB64, wf] = s.args;
  const salt = s.args.length === 2 && saltB64 !== undefined ? unb64(saltB64) : null;
  if (!salt || salt.length !== 16) throw corrupted('malformed scrypt stanza');
  if (wf === undefined || !/^[1-9][0-9]*$/.test(wf)) throw corrupted('malformed scrypt work factor');
  const logN = Number(wf);
  if (logN > MAX_WORK_FACTOR) throw corrupted(`scrypt work factor ${wf} is above the limit of ${MAX_WORK_FACTOR}`);
  if (s.body.length !== 32) throw corrupted('malformed scrypt stanza body');
  return open(await scryptKey(passphrase, salt, logN), s.body);
}

// ---------- X25519 ----------

const privateKeyOf = (scalar: Uint8Array) => createPrivateKey({ key: Buffer.concat([PKCS8_X25519, scalar]), format: 'der', type: 'pkcs8' });
const publicKeyOf = (point: Uint8Array) => createPublicKey({ key: Buffer.concat([SPKI_X25519, point]), format: 'der', type: 'spki' });
const rawPublic = (k: KeyObject) => (k.type === 'public' ? k : createPublicKey(k)).export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length);

function decodeKey(s: string, hrp: 'age' | 'age-secret-key-'): Buffer | null {
  const d = bech32Decode(s.trim());
  return d && d.hrp === hrp && d.data.length === 32 ? Buffer.from(d.data) : null;
}

export function isRecipient(s: string): boolean {
  return s.trim().startsWith('age1') && decodeKey(s, 'age') !== null;
}

export function parseRecipient(s: string): Buffer {
  const k = s.startsWith('age1') ? decodeKey(s, 'age') : null;
  if (!k) throw new AppError('BAD_INPUT', `not an age X25519 recipient: ${s.slice(0, 12)}…`);
  return k;
}

export interface X25519Identity {
  secret: KeyObject;
  /** The identity's public key, raw 32 bytes. */
  point: Buffer;
}

export function parseIdentity(s: string): X25519Identity {
  const k = s.trim().startsWith('AGE-SECRET-KEY-1') ? decodeKey(s, 'age-secret-key-') : null;
  if (!k) throw new AppError('BAD_INPUT', 'not an age X25519 identity (expected AGE-SECRET-KEY-1…)');
  const secret = privateKeyOf(k);
  return { secret, point: rawPublic(secret) };
}

export function generateIdentity(): { identity: string; recipient: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const scalar = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_X25519.length);
  return { identity: bech32Encode('age-secret-key-', scalar, true), recipient: bech32Encode('age', rawPublic(publicKey)) };
}

export function recipientOf(identity: string): string {
  return bech32Encode('age', parseIdentity(identity).point);
}

/** Identity file text: one AGE-SECRET-KEY-1… per line; `#` comments and blank lines ignored. */
export function parseIdentities(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const l = raw.trim();
    if (!l || l.startsWith('#')) continue;
    parseIdentity(l); // throws BAD_INPUT on anything else
    out.push(l);
  }
  return out;
}

function wrapKey(shared: Buffer, share: Buffer, point: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([share, point]), X25519_LABEL, 32));
}

export function x25519Stanza(fileKey: Buffer, recipient: Buffer): Stanza {
  const eph = generateKeyPairSync('x25519');
  const share = rawPublic(eph.publicKey);
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: publicKeyOf(recipient) });
  return { type: 'X25519', args: [b64(share)], body: seal(wrapKey(shared, share, recipient), fileKey) };
}

/** The file key if this identity opens the X25519 stanza, else null. */
export function unwrapX25519(s: Stanza, id: X25519Identity): Buffer | null {
  const share = s.args.length === 1 && s.args[0] !== undefined ? unb64(s.args[0]) : null;
  if (!share || share.length !== 32) throw corrupted('malformed X25519 stanza');
  if (s.body.length !== 32) throw corrupted('malformed X25519 stanza body');
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: id.secret, publicKey: publicKeyOf(share) });
  } catch {
    throw corrupted('X25519 share is a low-order point');
  }
  if (shared.every((b) => b === 0)) throw corrupted('X25519 share is a low-order point');
  return open(wrapKey(shared, share, id.point), s.body);
}
