import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { appRoot, unpacked } from '../paths';
import type { HashPortMessage, HashResult, HashTask } from './hash.worker';

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

export interface HashSession {
  /** Hashes a copy of the chunk (the caller keeps its buffer). */
  update(chunk: Uint8Array): void;
  /**
   * Hashes a view of shared memory without a copy: resolves once the worker has read it (the
   * caller must not change those bytes before). Ordered with update() calls.
   */
  lend(view: Uint8Array): Promise<void>;
  digest(): Promise<HashResult>;
  /** Ends the worker task without waiting for its digest. */
  abandon(): void;
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

  /**
   * An incremental hash computed in a worker: feed chunks with update() as they pass by (they are
   * copied, then transferred), then digest(). Used to hash a stream while it is being uploaded.
   */
  session(signal?: AbortSignal): HashSession {
    const { port1, port2 } = new MessageChannel();
    const task: HashTask = { kind: 'port', port: port2 };
    const done = this.pool.run(task, { transferList: [port2], ...(signal ? { signal } : {}) }) as Promise<HashResult>;
    done.catch(() => undefined); // observed by digest(); an abandoned session must not crash the process
    let ended = false;
    const lent: { resolve: () => void; reject: (e: Error) => void }[] = [];
    port1.on('message', () => lent.shift()?.resolve());
    port1.unref(); // the task's promise (piscina) keeps the process alive while it matters
    const post = (msg: HashPortMessage, transfer: ArrayBuffer[]) => {
      if (ended) throw new Error('hash session already ended');
      port1.postMessage(msg, transfer);
    };
    const end = () => {
      if (!ended) port1.postMessage(null);
      ended = true;
      // buffers not back yet never will be once the worker is gone
      const close = () => {
        for (const l of lent.splice(0)) l.reject(new Error('hash session ended'));
        port1.close();
      };
      done.then(close, close);
    };
    return {
      update(chunk) {
        const owned = new Uint8Array(chunk.byteLength); // the caller keeps its buffer
        owned.set(chunk);
        post(owned, [owned.buffer]);
      },
      lend(view) {
        if (!(view.buffer instanceof SharedArrayBuffer)) return Promise.reject(new Error('lend() takes a view of shared memory'));
        return new Promise<void>((resolve, reject) => {
          post({ lent: view }, []);
          lent.push({ resolve, reject });
        });
      },
      digest() {
        end();
        return done;
      },
      abandon: end,
    };
  }

  /** Hash a stream in a worker thread. */
  async hashStream(source: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<HashResult> {
    const s = this.session(signal);
    try {
      for await (const chunk of source) {
        signal?.throwIfAborted();
        s.update(chunk);
      }
    } catch (e) {
      s.abandon();
      throw e;
    }
    return s.digest();
  }

  get threads(): number {
    return this.pool.options.maxThreads;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
