import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { unitOf, type CipherOp } from '../vault/age/chunks';
import { BELL_GEN, BELL_SEQ, CryptLane, WORDS, type Delivery, type LaneHost, type LaneSpec, type WorkerMessage } from './crypt-lane';
import { workerFile } from './pool';

/**
 * 32 chunks = 2 MiB of plaintext per batch. Measured against 4 MiB (64 chunks) with lanes, 2
 * cores: as fast or faster, and half the memory per lane.
 */
export const BATCH_CHUNKS = 32;
/** Slots per lane, per thread: one being ciphered, one queued behind it, one being emptied. */
const SLOTS_PER_THREAD = 3;
/** Room for a failed batch's error text in a slot (longer texts are cut). */
const ERROR_TEXT = 4096;
/** Threads with no lane for this long exit (a new lane starts them again). */
const IDLE_MS = 30_000;

interface Thread {
  worker: Worker;
  port: MessagePort;
}

/**
 * Worker threads for the age payload cipher (vault/age). A stream opens a lane (crypt-lane.ts):
 * shared memory its batches go through, served by every thread of the pool. One pool per process,
 * created on first use; threads start with the first lane and exit when idle, and never keep a
 * process alive unless a batch is in flight.
 */
export class CryptPool {
  readonly threads: number;
  private running: Thread[] = [];
  private readonly bell = new Int32Array(new SharedArrayBuffer(8));
  private readonly lanes = new Map<number, CryptLane>();
  private nextId = 1;
  private busyLanes = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private isClosed = false;

  constructor(threads = Math.max(1, Math.min(4, availableParallelism()))) {
    this.threads = threads;
  }

  /** Batches a lane holds at once (a stream keeps at most this many in flight). */
  get laneSlots(): number {
    return this.threads * SLOTS_PER_THREAD;
  }

  /**
   * A lane for one stream's batches under `key`, with outputs transferred or written into
   * `output` (see LaneSpec). Close it when the stream ends.
   */
  lane(op: CipherOp, key: Uint8Array, output: LaneSpec['output']): CryptLane {
    if (this.isClosed) throw new Error('crypt pool closed');
    clearTimeout(this.idleTimer);
    this.start();
    const slots = this.laneSlots;
    const inCap = BATCH_CHUNKS * unitOf(op);
    const spec: LaneSpec = {
      id: this.nextId++,
      op,
      key: Uint8Array.from(key),
      slots,
      inCap,
      outCap: ERROR_TEXT,
      ctrl: new SharedArrayBuffer(slots * WORDS * Int32Array.BYTES_PER_ELEMENT),
      data: new SharedArrayBuffer(slots * (inCap + ERROR_TEXT)),
      output,
    };
    const lane = new CryptLane(this.host, spec);
    this.lanes.set(spec.id, lane);
    this.broadcast({ kind: 'attach', lane: spec });
    return lane;
  }

  async close(): Promise<void> {
    this.isClosed = true;
    await this.stop(new Error('crypt pool closed'));
  }

  private readonly host: LaneHost = {
    ring: () => {
      Atomics.add(this.bell, BELL_SEQ, 1);
      Atomics.notify(this.bell, BELL_SEQ, 1);
    },
    busy: (on) => {
      this.busyLanes += on ? 1 : -1;
      // a ref'd worker keeps the process alive while a stream awaits it (Atomics.waitAsync does not)
      for (const t of this.running) {
        if (this.busyLanes > 0) t.worker.ref();
        else t.worker.unref();
      }
    },
    closed: (lane) => {
      this.lanes.delete(lane.spec.id);
      this.broadcast({ kind: 'detach', id: lane.spec.id });
      if (this.lanes.size === 0) {
        this.idleTimer = setTimeout(() => void (this.lanes.size === 0 && this.stop(null)), IDLE_MS);
        this.idleTimer.unref();
      }
    },
  };

  /** Posts to every thread, then tells them to read their messages. */
  private broadcast(msg: WorkerMessage): void {
    for (const t of this.running) t.port.postMessage(msg);
    Atomics.add(this.bell, BELL_GEN, 1);
    Atomics.add(this.bell, BELL_SEQ, 1);
    Atomics.notify(this.bell, BELL_SEQ);
  }

  private start(): void {
    while (this.running.length < this.threads) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(workerFile('crypt.worker'), { workerData: { bell: this.bell.buffer, port: port2 }, transferList: [port2] });
      if (this.busyLanes === 0) worker.unref();
      const t: Thread = { worker, port: port1 };
      port1.on('message', (d: Delivery) => this.lanes.get(d.lane)?.deliver(d.slot, d.out));
      port1.unref();
      // lanes opened before this thread started (after a thread was lost)
      for (const lane of this.lanes.values()) port1.postMessage({ kind: 'attach', lane: lane.spec } satisfies WorkerMessage);
      let crash = '';
      worker.on('error', (e) => void (crash = `: ${e.message}`)); // reported with the exit
      worker.on('exit', (code) => {
        if (!this.running.includes(t)) return; // stopped on purpose
        this.running = this.running.filter((x) => x !== t);
        port1.close();
        // its batch in hand is lost: fail every open lane (their streams error out)
        const e = new Error(`a crypt worker stopped unexpectedly (exit code ${code}${crash})`);
        for (const lane of this.lanes.values()) lane.fail(e);
      });
      this.running.push(t);
    }
  }

  private async stop(reason: Error | null): Promise<void> {
    clearTimeout(this.idleTimer);
    const threads = this.running;
    this.running = [];
    if (reason) for (const lane of this.lanes.values()) lane.fail(reason);
    await Promise.all(
      threads.map((t) => {
        t.port.close();
        return t.worker.terminate();
      }),
    );
  }
}

let shared: CryptPool | null | undefined;

/** The process-wide pool, or null when the worker is not built (callers then cipher in-thread). */
export function sharedCryptPool(): CryptPool | null {
  if (shared === undefined) {
    try {
      workerFile('crypt.worker'); // throws when not built
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
