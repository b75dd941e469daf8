// age's ASCII armor (`age -a`): strict PEM with type "AGE ENCRYPTED FILE", standard padded
// base64 in 64-column lines. Decryption accepts armored files by buffering them whole (armor is
// meant for small files; a cap keeps a huge one from filling memory); we never write armor.
import { corrupted } from './format';

export const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
const ARMOR_END = '-----END AGE ENCRYPTED FILE-----';
export const MAX_ARMORED = 64 << 20;

/**
 * Whether a file starting with `head` is armored (leading whitespace allowed): undefined while
 * only whitespace has been seen (a binary age file never starts with it).
 */
export function looksArmored(head: Buffer): boolean | undefined {
  const s = head.subarray(0, 256).toString('latin1').trimStart();
  if (s.length === 0) return head.length > 256 ? false : undefined;
  return s.startsWith(ARMOR_BEGIN) || ARMOR_BEGIN.startsWith(s);
}

/** Decodes a whole armored file; CORRUPTED unless it is canonical. */
export function dearmor(text: Buffer): Buffer {
  if (text.length > MAX_ARMORED) throw corrupted(`armored file larger than ${MAX_ARMORED >> 20} MiB`);
  const lines = text.toString('latin1').trim().split(/\r?\n/);
  if (lines[0] !== ARMOR_BEGIN || lines[lines.length - 1] !== ARMOR_END) throw corrupted('malformed armor begin/end line');
  const body = lines.slice(1, -1);
  if (body.length === 0) throw corrupted('empty armor');
  body.forEach((l, i) => {
    const last = i === body.length - 1;
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(l) || (last ? l.length === 0 || l.length > 64 : l.length !== 64)) throw corrupted('malformed armor line');
    if (l.length % 4 !== 0 || (!last && l.includes('='))) throw corrupted('malformed armor padding');
  });
  const b64 = body.join('');
  const out = Buffer.from(b64, 'base64');
  if (out.toString('base64') !== b64) throw corrupted('non-canonical armor base64');
  return out;
}
