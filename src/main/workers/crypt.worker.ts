// Worker entry (piscina): seals or opens a batch of age payload chunks (vault/age/chunks.ts).
// The batch arrives in a transferred buffer. Each chunk's output buffer (as node:crypto made it)
// and the tags are transferred back without a copy, and so is the input buffer, for the sender
// to reuse (fresh memory costs page faults). Measured: cheaper than copying the outputs into
// one contiguous buffer, and than ciphering in place into a fresh buffer per batch.
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { cipherBatch, type CipherOp } from '../vault/age/chunks';

export interface CryptTask {
  op: CipherOp;
  key: Uint8Array;
  counter: number;
  /** The batch is data[0, length). */
  data: ArrayBuffer;
  length: number;
  final: boolean;
}

export interface CryptResult {
  parts: ArrayBuffer[];
  tags: ArrayBuffer;
  /** The task's input buffer, handed back for reuse. */
  input: ArrayBuffer;
}

const owned = (b: Buffer): ArrayBuffer => {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return b.buffer as ArrayBuffer;
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return copy.buffer;
};

export default function run(task: CryptTask): CryptResult {
  const r = cipherBatch(task.op, task.key, task.counter, new Uint8Array(task.data, 0, task.length), task.final);
  const result: CryptResult = { parts: r.parts.map(owned), tags: owned(r.tags), input: task.data };
  const transfer = [...result.parts, result.tags, result.input].filter((b, i, all) => b.byteLength > 0 && all.indexOf(b) === i);
  return move({ [transferableSymbol]: transfer, [valueSymbol]: result } as unknown as ArrayBuffer) as unknown as CryptResult;
}
