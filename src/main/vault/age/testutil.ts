// Test-only helpers for the age tests: run a Transform over input pieces and capture what it
// emitted before it ended or failed.
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../errors';

export interface Outcome {
  out: Buffer;
  error: unknown;
}

/** Feeds `data` in pieces of the given sizes (cycled) through `t`; never throws. */
export async function run(t: Transform, data: Uint8Array, sizes: number[] = [1 << 20]): Promise<Outcome> {
  const pieces: Buffer[] = [];
  for (let off = 0, i = 0; off < data.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length] ?? 1);
    pieces.push(Buffer.from(data.subarray(off, off + n)));
    off += n;
  }
  const out: Buffer[] = [];
  let error: unknown;
  try {
    await pipeline(Readable.from(pieces), t, async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) out.push(c);
    });
  } catch (e) {
    error = e;
  }
  return { out: Buffer.concat(out), error };
}

export function codeOf(e: unknown): string | undefined {
  return e instanceof AppError ? e.code : undefined;
}
