// The age v1 header (https://age-encryption.org/v1): text lines, recipient stanzas, and the
// header MAC. Parsing is strict (canonical base64, VCHAR arguments, 64-column bodies) and never
// throws anything but AppError('CORRUPTED').
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../errors';

export const VERSION_LINE = 'age-encryption.org/v1';
export const FILE_KEY_SIZE = 16;
/** A header larger than this is refused (a few thousand recipients fit). */
export const MAX_HEADER = 1 << 20;

export interface Stanza {
  type: string;
  args: string[];
  body: Buffer;
}

export interface ParsedHeader {
  stanzas: Stanza[];
  /** The header bytes the MAC covers: from the version line through "---". */
  macInput: Buffer;
  mac: Buffer;
  /** Bytes of the whole header including the MAC line's newline: the payload starts here. */
  length: number;
}

export function corrupted(why: string): AppError {
  return new AppError('CORRUPTED', `vault corrupted or tampered: ${why}`);
}

const B64 = /^[A-Za-z0-9+/]*$/;

/** Standard base64 without padding (age's encoding). */
export function b64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64').replace(/=+$/, '');
}

/** Strict decode: only canonical unpadded base64 is accepted (Buffer.from alone is lenient). */
export function unb64(s: string): Buffer | null {
  if (!B64.test(s) || s.length % 4 === 1) return null;
  const out = Buffer.from(s, 'base64');
  return b64(out) === s ? out : null;
}

const isVchar = (s: string) => s.length > 0 && /^[\x21-\x7e]+$/.test(s);

/** HMAC-SHA256 key for the header MAC: HKDF-SHA256(file key, salt "", info "header"). */
export function headerMac(fileKey: Uint8Array, macInput: Uint8Array): Buffer {
  const key = Buffer.from(hkdfSync('sha256', fileKey, Buffer.alloc(0), 'header', 32));
  return createHmac('sha256', key).update(macInput).digest();
}

export function verifyHeaderMac(fileKey: Uint8Array, h: ParsedHeader): boolean {
  const want = headerMac(fileKey, h.macInput);
  return want.length === h.mac.length && timingSafeEqual(want, h.mac);
}

/** Serialises stanzas and the MAC: the whole header, ready to be followed by the payload. */
export function encodeHeader(stanzas: Stanza[], fileKey: Uint8Array): Buffer {
  let text = `${VERSION_LINE}\n`;
  for (const s of stanzas) {
    text += `-> ${[s.type, ...s.args].join(' ')}\n`;
    const body = b64(s.body);
    for (let i = 0; i <= body.length; i += 64) text += `${body.slice(i, i + 64)}\n`; // last line < 64 cols
  }
  text += '---';
  const macInput = Buffer.from(text, 'latin1');
  return Buffer.concat([macInput, Buffer.from(` ${b64(headerMac(fileKey, macInput))}\n`, 'latin1')]);
}

/**
 * Parses a header from the start of `buf`. Returns null while more bytes are needed; throws
 * CORRUPTED as soon as the bytes seen cannot be an age v1 header.
 */
export function parseHeader(buf: Buffer): ParsedHeader | null {
  const prefix = Buffer.from(`${VERSION_LINE}\n`, 'latin1');
  const seen = buf.subarray(0, prefix.length);
  if (!seen.equals(prefix.subarray(0, seen.length))) throw corrupted('not an age v1 file');
  let pos = prefix.length;
  const stanzas: Stanza[] = [];
  const line = (): string | null => {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) {
      if (buf.length > MAX_HEADER) throw corrupted('header too large or not terminated');
      return null;
    }
    const s = buf.toString('latin1', pos, nl);
    pos = nl + 1;
    return s;
  };
  for (;;) {
    const l = line();
    if (l === null) return null;
    if (l.startsWith('---')) {
      const m = /^--- ([A-Za-z0-9+/]{43})$/.exec(l);
      const mac = m ? unb64(m[1] as string) : null;
      if (!mac) throw corrupted('malformed header MAC line');
      const macEnd = pos - l.length - 1 + 3;
      return { stanzas, macInput: buf.subarray(0, macEnd), mac, length: pos };
    }
    if (!l.startsWith('-> ')) throw corrupted('malformed header line');
    const parts = l.slice(3).split(' ');
    if (!parts.every(isVchar)) throw corrupted('malformed stanza arguments');
    const [type, ...args] = parts as [string, ...string[]];
    const chunks: Buffer[] = [];
    for (;;) {
      const b = line();
      if (b === null) return null;
      if (b.length > 64) throw corrupted('stanza body line too long');
      const bytes = unb64(b);
      if (!bytes) throw corrupted('stanza body is not canonical base64');
      chunks.push(bytes);
      if (b.length < 64) break;
    }
    stanzas.push({ type, args, body: Buffer.concat(chunks) });
  }
}
