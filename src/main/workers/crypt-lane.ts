// A lane: the shared memory one cipher stream (encryptStream / decryptStream) hands its batches
// through to the crypt workers, and the layout both sides agree on. Imports nothing from the app:
// crypt.worker bundles it.
//
// Shared memory instead of messages: see crypt.worker.ts for why and what it measured.
import type { CipherOp } from '../vault/age/chunks';

// per-slot control words (Int32), WORDS per slot
export const WORDS = 8;
export const F_STATE = 0;
export const F_COUNTER = 1;
export const F_LENGTH = 2;
export const F_FINAL = 3;
/** The output's length (DONE), or the UTF-8 length of the error message in the slot's error area (FAILED). */
export const F_OUT_LENGTH = 4;
/** A ring lane's batch: where in the lane's output memory its output goes. */
export const F_OUT_AT = 5;
// slot states: the main thread moves FREE → READY and DONE/FAILED → FREE; a worker READY → BUSY → DONE/FAILED
export const S_FREE = 0;
export const S_READY = 1;
export const S_BUSY = 2;
export const S_DONE = 3;
export const S_FAILED = 4;
// the pool's doorbell (Int32): workers sleep on BELL_SEQ; BELL_GEN changes when lanes come or go
export const BELL_SEQ = 0;
export const BELL_GEN = 1;

/** What a worker needs to serve a lane. */
export interface LaneSpec {
  id: number;
  op: CipherOp;
  key: Uint8Array;
  slots: number;
  /** Slot s: input at s·(inCap+outCap), then outCap bytes for a failed batch's error text. */
  inCap: number;
  outCap: number;
  ctrl: SharedArrayBuffer;
  data: SharedArrayBuffer;
  /**
   * Where outputs go: 'transfer', each in a fresh buffer transferred to the main thread (for a
   * stream whose reader keeps them); or shared memory of the caller's (a CipherSink's part
   * buffers), each at the offset its submit() gave, so nobody copies it again.
   */
  output: SharedArrayBuffer | 'transfer';
}

/** A transfer lane's output, posted by the worker just before it marks the slot DONE. */
export interface Delivery {
  lane: number;
  slot: number;
  out: ArrayBuffer;
}

export type WorkerMessage = { kind: 'attach'; lane: LaneSpec } | { kind: 'detach'; id: number };

/** What a lane needs from its pool. */
export interface LaneHost {
  /** A batch is ready: wake a worker. */
  ring(): void;
  /** The lane has batches in flight (true) or none (false): the pool keeps the process alive meanwhile. */
  busy(on: boolean): void;
  /**
   * The lane is done: detach it from the workers. (Its memory is never reused for another lane:
   * a worker that has not seen the detach yet could take the new lane's batch with the old key.)
   */
  closed(lane: CryptLane): void;
}

// Atomics.waitAsync (V8 ≥ 8.7, Node ≥ 16) is missing from TypeScript's ES2022 lib
type WaitAsync = (a: Int32Array, index: number, value: number, timeoutMs: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** How long a waiting result() sleeps before it looks again (a missed wake-up costs at most this). */
const POLL_MS = 1000;

/**
 * The main thread's side of a lane: slots are used in ring order. acquire() the next slot, fill
 * its input, submit() it; result() waits for its output (a transferred buffer, or a view of the
 * output memory). At most `slots` batches are in flight: the caller releases in order before it
 * acquires past that.
 */
export class CryptLane {
  readonly ctrl: Int32Array;
  private next = 0;
  private inFlight = 0;
  private failure: Error | null = null;
  private isClosed = false;
  /** Transfer lanes: outputs arrived, and result() calls waiting for theirs. */
  private delivered = new Map<number, ArrayBuffer>();
  private awaiting = new Map<number, { resolve: (b: ArrayBuffer) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly host: LaneHost,
    readonly spec: LaneSpec,
  ) {
    this.ctrl = new Int32Array(spec.ctrl);
  }

  get slots(): number {
    return this.spec.slots;
  }

  /** The next slot in ring order and its input area; throws if it is still in use. */
  acquire(): { slot: number; input: Uint8Array } {
    this.check();
    const slot = this.next;
    if (Atomics.load(this.ctrl, slot * WORDS + F_STATE) !== S_FREE) throw new Error('crypt lane: slot still in use (release in order first)');
    this.next = (slot + 1) % this.spec.slots;
    return { slot, input: new Uint8Array(this.spec.data, this.offset(slot), this.spec.inCap) };
  }

  /**
   * Queues slot's input[0, length) for the workers: chunks numbered from counter. A lane with
   * output memory writes the batch's output there at `outAt` (outputLength(op, length) bytes).
   */
  submit(slot: number, length: number, counter: number, final: boolean, outAt = 0): void {
    this.check();
    if (length > this.spec.inCap) throw new Error('crypt lane: batch larger than a slot');
    const w = slot * WORDS;
    this.ctrl[w + F_OUT_AT] = outAt;
    this.ctrl[w + F_COUNTER] = counter;
    this.ctrl[w + F_LENGTH] = length;
    this.ctrl[w + F_FINAL] = final ? 1 : 0;
    Atomics.store(this.ctrl, w + F_STATE, S_READY);
    if (this.inFlight++ === 0) this.host.busy(true);
    this.host.ring();
  }

  /** True once slot's batch is finished (result() will not wait). */
  done(slot: number): boolean {
    const st = Atomics.load(this.ctrl, slot * WORDS + F_STATE);
    return st === S_DONE || st === S_FAILED;
  }

  /** Waits for slot's batch; its output, or throws its error (Error(AUTH_FAILED…) for a bad chunk). */
  async result(slot: number): Promise<Uint8Array> {
    const w = slot * WORDS;
    for (;;) {
      this.check();
      const st = Atomics.load(this.ctrl, w + F_STATE);
      if (st === S_DONE || st === S_FAILED) break;
      const r = waitAsync(this.ctrl, w + F_STATE, st, POLL_MS);
      if (r.async) await r.value;
    }
    const length = this.ctrl[w + F_OUT_LENGTH] as number;
    if (Atomics.load(this.ctrl, w + F_STATE) === S_FAILED) {
      throw new Error(new TextDecoder().decode(new Uint8Array(this.spec.data, this.offset(slot) + this.spec.inCap, length)));
    }
    if (this.spec.output !== 'transfer') return new Uint8Array(this.spec.output, this.ctrl[w + F_OUT_AT], length);
    // posted before DONE was stored, so it is on its way if it is not here yet
    const mine = this.delivered.get(slot) ?? (await new Promise<ArrayBuffer>((resolve, reject) => this.awaiting.set(slot, { resolve, reject })));
    this.delivered.delete(slot);
    return new Uint8Array(mine);
  }

  /** A transfer lane's output for slot, from the worker (the pool routes it here). */
  deliver(slot: number, out: ArrayBuffer): void {
    const waiter = this.awaiting.get(slot);
    this.awaiting.delete(slot);
    if (waiter) waiter.resolve(out);
    else if (!this.isClosed) this.delivered.set(slot, out);
  }

  /** Frees a finished slot. */
  release(slot: number): void {
    if (this.isClosed) return;
    Atomics.store(this.ctrl, slot * WORDS + F_STATE, S_FREE);
    if (--this.inFlight === 0) this.host.busy(false);
  }

  /** Fails every wait on this lane (the pool lost a worker or was closed). */
  fail(e: Error): void {
    this.failure ??= e;
    for (let s = 0; s < this.spec.slots; s++) Atomics.notify(this.ctrl, s * WORDS + F_STATE);
    for (const w of this.awaiting.values()) w.reject(this.failure);
    this.awaiting.clear();
  }

  /** Detaches the lane; batches still queued are withdrawn, those being ciphered are dropped. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // take queued batches back so that no worker starts one (one being ciphered just finishes)
    for (let s = 0; s < this.spec.slots; s++) Atomics.compareExchange(this.ctrl, s * WORDS + F_STATE, S_READY, S_FREE);
    if (this.inFlight > 0) this.host.busy(false);
    this.inFlight = 0;
    this.delivered.clear();
    for (const w of this.awaiting.values()) w.reject(new Error('crypt lane closed'));
    this.awaiting.clear();
    this.host.closed(this);
  }

  private offset(slot: number): number {
    return slot * (this.spec.inCap + this.spec.outCap);
  }

  private check(): void {
    if (this.failure) throw this.failure;
    if (this.isClosed) throw new Error('crypt lane closed');
  }
}
