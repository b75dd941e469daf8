// Worker entry (piscina): seals or opens a batch of age payload chunks (vault/age/chunks.ts).
// The batch arrives in a transferred buffer. Each chunk's output buffer (as node:crypto made it)
// and the tags are transferred back without a copy, and so is the input buffer, for the sender
// to reuse (fresh memory costs page faults). Measured: cheaper than copying the outputs into
// one *fresh* contiguous buffer, and than ciphering in place into a fresh buffer per batch.
// A sender that recycles its output buffers (encryptStream's sink, used by the push) passes one
// as `out`: the outputs are copied into it and nothing else crosses back (push: ~2% faster, less
// main-thread work; tools/bench/vault.bench.mjs).
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { cipherBatch, writeBatch, type CipherOp } from '../vault/age/chunks';

export interface CryptTask {
  op: CipherOp;
  key: Uint8Array;
  counter: number;
  /** The batch is data[0, length). */
  data: ArrayBuffer;
  length: number;
  final: boolean;
  /** If given: the batch's output bytes go into it, contiguously (and it comes back), not as parts. */
  out?: ArrayBuffer;
}

export interface CryptResult {
  parts: ArrayBuffer[];
  tags: ArrayBuffer;
  /** The task's input buffer, handed back for reuse. */
  input: ArrayBuffer;
  /** The task's `out`, holding the output in [0, outLength). */
  out?: ArrayBuffer;
  outLength?: number;
}

const owned = (b: Buffer): ArrayBuffer => {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return b.buffer as ArrayBuffer;
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return copy.buffer;
};

export default function run(task: CryptTask): CryptResult {
  const r = cipherBatch(task.op, task.key, task.counter, new Uint8Array(task.data, 0, task.length), task.final);
  if (task.out) {
    const outLength = writeBatch(r, new Uint8Array(task.out));
    const result: CryptResult = { parts: [], tags: new ArrayBuffer(0), input: task.data, out: task.out, outLength };
    return move({ [transferableSymbol]: [task.data, task.out], [valueSymbol]: result } as unknown as ArrayBuffer) as unknown as CryptResult;
  }
  const result: CryptResult = { parts: r.parts.map(owned), tags: owned(r.tags), input: task.data };
  const transfer = [...result.parts, result.tags, result.input].filter((b, i, all) => b.byteLength > 0 && all.indexOf(b) === i);
  return move({ [transferableSymbol]: transfer, [valueSymbol]: result } as unknown as ArrayBuffer) as unknown as CryptResult;
}
