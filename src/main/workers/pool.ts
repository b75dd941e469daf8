import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { appRoot, unpacked } from '../paths';
import type { HashResult, HashTask } from './hash.worker';

/**
 * Worker entries are built to dist/main/workers/*.js (tools/build.mjs). From the bundle they sit
 * next to this module; from sources (tests run through tsx) we use the built copy.
 */
export function workerFile(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'workers', `${name}.js`), join(here, `${name}.js`), join(appRoot(), 'dist/main/workers', `${name}.js`)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`worker ${name} not built: run "npm run build" (looked in ${candidates.join(', ')})`);
  return unpacked(found);
}

/** SHA-256 off the main thread. One pool per core process; threads = cores. */
export class HashPool {
  private pool: Piscina;
  constructor(threads = Math.max(1, availableParallelism())) {
    this.pool = new Piscina({ filename: workerFile('hash.worker'), maxThreads: threads, minThreads: 1, idleTimeout: 30000 });
  }

  hashFile(path: string, signal?: AbortSignal, range?: { start: number; end: number }): Promise<HashResult> {
    const task: HashTask = { kind: 'file', path, ...range };
    return this.pool.run(task, signal ? { signal } : {}) as Promise<HashResult>;
  }

  /** Hash a stream: chunks are transferred to a worker thread, which digests them. */
  async hashStream(source: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<HashResult> {
    const { port1, port2 } = new MessageChannel();
    const task: HashTask = { kind: 'port', port: port2 };
    const done = this.pool.run(task, { transferList: [port2], ...(signal ? { signal } : {}) }) as Promise<HashResult>;
    try {
      for await (const chunk of source) {
        signal?.throwIfAborted();
        // copy into an owned buffer so transferring it cannot detach memory the caller still uses
        const owned = new Uint8Array(chunk.byteLength);
        owned.set(chunk);
        port1.postMessage(owned, [owned.buffer]);
      }
      port1.postMessage(null);
    } catch (e) {
      port1.postMessage(null); // let the worker finish; its digest is discarded
      done.catch(() => undefined);
      throw e;
    }
    return done;
  }

  get threads(): number {
    return this.pool.options.maxThreads;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
