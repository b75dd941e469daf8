import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { BatchResult, CipherOp } from '../vault/age/chunks';
import type { CryptResult, CryptTask } from './crypt.worker';
import { workerFile } from './pool';

/**
 * Worker threads for the age payload cipher (vault/age): each task seals or opens a batch of 64 KiB
 * chunks (BATCH_CHUNKS: 4 MiB), transferred both ways. One pool per process, created on first use; idle
 * threads are unref'd by piscina and exit after 30 s, so the pool never keeps a process alive.
 */
export class CryptPool {
  private pool: Piscina;
  constructor(threads = Math.max(1, Math.min(4, availableParallelism()))) {
    this.pool = new Piscina({ filename: workerFile('crypt.worker'), maxThreads: threads, minThreads: 0, idleTimeout: 30000 });
  }

  get threads(): number {
    return this.pool.options.maxThreads;
  }

  /**
   * Runs one batch: data[0, length) is sealed or opened (see cipherBatch). `data` is transferred
   * (detached here) and comes back as `input`, for reuse.
   */
  async run(op: CipherOp, key: Uint8Array, counter: number, data: ArrayBuffer, length: number, final: boolean, signal?: AbortSignal): Promise<{ result: BatchResult; input: ArrayBuffer }> {
    const task: CryptTask = { op, key, counter, data, length, final };
    const r = (await this.pool.run(task, { transferList: [data], ...(signal ? { signal } : {}) })) as CryptResult;
    return { result: { parts: r.parts.map((b) => Buffer.from(b)), tags: Buffer.from(r.tags) }, input: r.input };
  }

  /**
   * As run(), but the output bytes (batchOutput order) are written into `out`, which is
   * transferred both ways like `data`: for a caller that recycles its output buffers.
   */
  async runInto(op: CipherOp, key: Uint8Array, counter: number, data: ArrayBuffer, length: number, final: boolean, out: ArrayBuffer, signal?: AbortSignal): Promise<{ out: Buffer; input: ArrayBuffer }> {
    const task: CryptTask = { op, key, counter, data, length, final, out };
    const r = (await this.pool.run(task, { transferList: [data, out], ...(signal ? { signal } : {}) })) as CryptResult;
    if (!r.out || r.outLength === undefined) throw new Error('the crypt worker returned no output buffer');
    return { out: Buffer.from(r.out, 0, r.outLength), input: r.input };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

let shared: CryptPool | null | undefined;

/** The process-wide pool, or null when the worker is not built (callers then cipher in-thread). */
export function sharedCryptPool(): CryptPool | null {
  if (shared === undefined) {
    try {
      shared = process.env.S3DECK_CRYPT_THREADS === '0' ? null : new CryptPool(Number(process.env.S3DECK_CRYPT_THREADS) || undefined);
    } catch {
      shared = null;
    }
  }
  return shared;
}

/** Closes the shared pool (tests, shutdown). A later sharedCryptPool() makes a new one. */
export async function closeSharedCryptPool(): Promise<void> {
  const p = shared;
  shared = undefined;
  await p?.close();
}
