// The age v1 payload (STREAM): 64 KiB plaintext chunks, each sealed with ChaCha20-Poly1305 under
// the payload key; nonce = 11-byte big-endian chunk counter || last-chunk flag. cipherInto
// processes a batch of consecutive chunks, on the main thread or in crypt.worker; it imports
// nothing from the app (the worker bundle stays tiny).
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const CHUNK = 64 * 1024;
export const TAG = 16;
export const SEALED_CHUNK = CHUNK + TAG;
/** Thrown (and reported across the worker boundary) when a chunk fails authentication. */
export const AUTH_FAILED = 'age-chunk-auth-failed';

export type CipherOp = 'seal' | 'open';

/** The input size of one whole chunk for op. */
export const unitOf = (op: CipherOp): number => (op === 'seal' ? CHUNK : SEALED_CHUNK);

/** Output bytes of a batch of `n` input bytes: sealing adds a tag per chunk, opening removes it. */
export function outputLength(op: CipherOp, n: number): number {
  const chunks = Math.max(1, Math.ceil(n / unitOf(op)));
  return op === 'seal' ? n + chunks * TAG : Math.max(0, n - chunks * TAG); // (a truncated input fails in cipherInto)
}

/** Splits a batch into its chunks (views); the last may be short (or empty: an empty payload). */
function splitChunks(data: Uint8Array, unit: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < data.length; o += unit) out.push(data.subarray(o, o + unit));
  return out.length ? out : [data];
}

/**
 * Seals (op 'seal') or opens ('open') a batch of consecutive chunks numbered from `counter`,
 * given as one buffer or already split (every chunk whole: 64 KiB plaintext / 64 KiB + 16
 * sealed, except a `final` batch's last), writing the stream bytes contiguously into `out`
 * (seal: ct0 tag0 ct1 tag1…; open: pt0 pt1…); returns the length written
 * (outputLength(op, input length)). If `final`, the last chunk carries the last-chunk flag; it
 * may be full, and may be empty only when it is the payload's only chunk. Opening throws
 * Error(AUTH_FAILED…) if any chunk fails authentication or the framing is impossible; `out` then
 * holds unverified bytes and must be dropped.
 *
 * Each chunk's output is copied into `out` right after node:crypto made it (still in cache), and
 * the buffer it came in is dropped at once; node:crypto has no API to write into a given buffer.
 */
export function cipherInto(op: CipherOp, key: Uint8Array, counter: number, data: Uint8Array | Uint8Array[], final: boolean, out: Uint8Array): number {
  const unit = unitOf(op);
  const chunks = Array.isArray(data) ? data : splitChunks(data, unit);
  const n = chunks.length;
  const lastLen = (chunks[n - 1] as Uint8Array).length;
  if (chunks.some((c, i) => c.length !== unit && !(final && i === n - 1))) {
    throw new Error(op === 'open' ? `${AUTH_FAILED}: truncated payload` : 'cipherInto: chunks must be whole');
  }
  if (op === 'open' && final && lastLen < TAG) throw new Error(`${AUTH_FAILED}: truncated payload`);
  if (op === 'open' && final && lastLen === TAG && counter + n - 1 > 0) throw new Error(`${AUTH_FAILED}: empty last chunk`);
  if (op === 'seal' && final && lastLen === 0 && counter + n - 1 > 0) throw new Error('cipherInto: empty last chunk');
  const iv = Buffer.alloc(12); // copied by createCipheriv: one per batch will do
  let w = 0;
  for (let i = 0; i < n; i++) {
    const chunk = chunks[i] as Uint8Array;
    iv.writeUIntBE(counter + i, 5, 6); // counters above 2^48 would need 2^64 bytes of payload
    iv[11] = final && i === n - 1 ? 1 : 0;
    if (op === 'seal') {
      const c = createCipheriv('chacha20-poly1305', key, iv, { authTagLength: TAG });
      const ct = c.update(chunk);
      out.set(ct, w);
      w += ct.length;
      c.final();
      out.set(c.getAuthTag(), w);
      w += TAG;
    } else {
      const d = createDecipheriv('chacha20-poly1305', key, iv, { authTagLength: TAG });
      d.setAuthTag(chunk.subarray(chunk.length - TAG));
      const pt = d.update(chunk.subarray(0, chunk.length - TAG));
      try {
        d.final();
      } catch {
        throw new Error(`${AUTH_FAILED}: chunk ${counter + i} failed authentication`);
      }
      out.set(pt, w);
      w += pt.length;
    }
  }
  return w;
}

/** cipherInto a fresh buffer, which it returns. */
export function cipherBatch(op: CipherOp, key: Uint8Array, counter: number, data: Uint8Array | Uint8Array[], final: boolean): Buffer {
  const n = Array.isArray(data) ? data.reduce((s, c) => s + c.length, 0) : data.length;
  const out = Buffer.allocUnsafe(outputLength(op, n));
  return out.subarray(0, cipherInto(op, key, counter, data, final, out));
}
