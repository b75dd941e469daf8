// The age v1 payload (STREAM): 64 KiB plaintext chunks, each sealed with ChaCha20-Poly1305 under
// the payload key; nonce = 11-byte big-endian chunk counter || last-chunk flag. cipherBatch
// processes a batch of consecutive chunks, on the main thread or in crypt.worker; it imports
// nothing from the app (the worker bundle stays tiny).
//
// Outputs are the Buffers node:crypto returns per chunk (each owns its ArrayBuffer, so a worker
// can transfer them without a copy); concatenating would cost a copy plus fresh pages per batch.
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const CHUNK = 64 * 1024;
export const TAG = 16;
export const SEALED_CHUNK = CHUNK + TAG;
/** Thrown (and rethrown across the worker boundary) when a chunk fails authentication. */
export const AUTH_FAILED = 'age-chunk-auth-failed';

export type CipherOp = 'seal' | 'open';

export interface BatchResult {
  /** seal: the ciphertext of each chunk (tags apart); open: the plaintext of each chunk. */
  parts: Buffer[];
  /** seal: the chunks' 16-byte tags, concatenated; open: empty. */
  tags: Buffer;
}

function nonce(counter: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeUIntBE(counter, 5, 6); // counters above 2^48 would need 2^64 bytes of payload
  n[11] = last ? 1 : 0;
  return n;
}

/** The stream bytes of a batch result, in order: seal → ct0, tag0, ct1, tag1…; open → pt0, pt1…. */
export function batchOutput(r: BatchResult): Buffer[] {
  if (r.tags.length === 0) return r.parts;
  const out: Buffer[] = [];
  r.parts.forEach((p, i) => out.push(p, r.tags.subarray(i * TAG, (i + 1) * TAG)));
  return out;
}

/** Writes batchOutput(r) into `out`, contiguously; returns the length written. */
export function writeBatch(r: BatchResult, out: Uint8Array): number {
  let o = 0;
  for (const b of batchOutput(r)) {
    out.set(b, o);
    o += b.length;
  }
  return o;
}

/** Splits a batch into its chunks (views); the last may be short (or empty: an empty payload). */
export function splitChunks(data: Uint8Array, unit: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < data.length; o += unit) out.push(data.subarray(o, o + unit));
  return out.length ? out : [data];
}

/**
 * Seals (op 'seal') or opens ('open') a batch of consecutive chunks numbered from `counter`,
 * given as one buffer or already split (every chunk whole: 64 KiB plaintext / 64 KiB + 16
 * sealed, except a `final` batch's last). If `final`, the last chunk carries the last-chunk flag;
 * it may be full, and may be empty only when it is the payload's only chunk. Opening throws
 * Error(AUTH_FAILED…) if any chunk fails authentication or the framing is impossible; nothing is
 * returned unless all chunks verified.
 */
export function cipherBatch(op: CipherOp, key: Uint8Array, counter: number, data: Uint8Array | Uint8Array[], final: boolean): BatchResult {
  const unit = op === 'seal' ? CHUNK : SEALED_CHUNK;
  const chunks = Array.isArray(data) ? data : splitChunks(data, unit);
  const n = chunks.length;
  const lastLen = (chunks[n - 1] as Uint8Array).length;
  if (chunks.some((c, i) => c.length !== unit && !(final && i === n - 1))) {
    throw new Error(op === 'open' ? `${AUTH_FAILED}: truncated payload` : 'cipherBatch: chunks must be whole');
  }
  if (op === 'open' && final && lastLen < TAG) throw new Error(`${AUTH_FAILED}: truncated payload`);
  if (op === 'open' && final && lastLen === TAG && counter + n - 1 > 0) throw new Error(`${AUTH_FAILED}: empty last chunk`);
  if (op === 'seal' && final && lastLen === 0 && counter + n - 1 > 0) throw new Error('cipherBatch: empty last chunk');
  const parts: Buffer[] = [];
  const tags = Buffer.alloc(op === 'seal' ? n * TAG : 0);
  for (let i = 0; i < n; i++) {
    const chunk = chunks[i] as Uint8Array;
    const iv = nonce(counter + i, final && i === n - 1);
    if (op === 'seal') {
      const c = createCipheriv('chacha20-poly1305', key, iv, { authTagLength: TAG });
      parts.push(c.update(chunk));
      c.final();
      tags.set(c.getAuthTag(), i * TAG);
    } else {
      const d = createDecipheriv('chacha20-poly1305', key, iv, { authTagLength: TAG });
      d.setAuthTag(chunk.subarray(chunk.length - TAG));
      const pt = d.update(chunk.subarray(0, chunk.length - TAG));
      try {
        d.final();
      } catch {
        throw new Error(`${AUTH_FAILED}: chunk ${counter + i} failed authentication`);
      }
      parts.push(pt);
    }
  }
  return { parts, tags };
}
