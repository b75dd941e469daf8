// CryptPool and its lanes: batches ciphered by the workers through shared memory equal the same
// batches ciphered in-thread, slots cycle in ring order, lanes with different keys never mix, a
// failed chunk and a lost worker surface as errors, and the pool keeps a process alive exactly
// while a batch is in flight. Needs the built worker (`node tools/build.mjs main`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { AUTH_FAILED, CHUNK, SEALED_CHUNK, cipherBatch, type CipherOp } from '../vault/age/chunks';
import { CryptLane } from './crypt-lane';
import { BATCH_CHUNKS, CryptPool } from './crypt-pool';

const pool = new CryptPool(2);
after(() => pool.close());

/** Runs batches through a lane, at most lane.slots in flight, releasing in order; their outputs. */
async function through(lane: CryptLane, batches: { data: Uint8Array; counter: number; final: boolean }[]): Promise<Buffer[]> {
  const outs: Buffer[] = [];
  const inFlight: number[] = [];
  const collect = async () => {
    const slot = inFlight.shift() as number;
    outs.push(Buffer.from(await lane.result(slot)));
    lane.release(slot);
  };
  for (const b of batches) {
    if (inFlight.length === lane.slots) await collect();
    const { slot, input } = lane.acquire();
    input.set(b.data);
    lane.submit(slot, b.data.length, b.counter, b.final);
    inFlight.push(slot);
  }
  while (inFlight.length) await collect();
  return outs;
}

/** n consecutive batches of random plaintext (whole batches, the last one shorter and final). */
function plainBatches(n: number): { data: Uint8Array; counter: number; final: boolean }[] {
  return Array.from({ length: n }, (_, i) => ({
    data: randomBytes(i === n - 1 ? 3 * CHUNK + 99 : BATCH_CHUNKS * CHUNK),
    counter: i * BATCH_CHUNKS,
    final: i === n - 1,
  }));
}

const local = (op: CipherOp, key: Uint8Array, bs: { data: Uint8Array; counter: number; final: boolean }[]) => bs.map((b) => cipherBatch(op, key, b.counter, b.data, b.final));

describe('CryptPool lanes', () => {
  it('seal and open like cipherBatch, over more batches than the lane has slots', async () => {
    const key = new Uint8Array(randomBytes(32));
    const plain = plainBatches(pool.laneSlots * 2 + 1);
    const seal = pool.lane('seal', key, 'transfer');
    const sealed = await through(seal, plain);
    seal.close();
    assert.deepEqual(sealed, local('seal', key, plain));
    const open = pool.lane('open', key, 'transfer');
    const opened = await through(open, sealed.map((data, i) => ({ data, counter: i * BATCH_CHUNKS, final: i === sealed.length - 1 })));
    open.close();
    assert.ok(Buffer.concat(opened).equals(Buffer.concat(plain.map((b) => b.data))));
  });

  it('transfer lanes hand each output over in a buffer of its own (kept valid after release)', async () => {
    const key = new Uint8Array(randomBytes(32));
    const plain = plainBatches(pool.laneSlots + 2);
    const lane = pool.lane('seal', key, 'transfer');
    const views: Uint8Array[] = [];
    const outs: Buffer[] = [];
    for (const b of plain) {
      const { slot, input } = lane.acquire();
      input.set(b.data);
      lane.submit(slot, b.data.length, b.counter, b.final);
      const out = await lane.result(slot);
      lane.release(slot);
      assert.ok(out.buffer instanceof ArrayBuffer && out.byteLength === out.buffer.byteLength, 'a whole ArrayBuffer, not shared memory');
      views.push(out);
      outs.push(Buffer.from(out));
    }
    lane.close();
    assert.deepEqual(outs, local('seal', key, plain));
    assert.deepEqual(views.map((v) => Buffer.from(v)), outs, 'later batches did not overwrite earlier outputs');
  });

  it('ring lanes write each output into the caller\'s memory at the offset given; one that does not fit fails alone', async () => {
    const key = new Uint8Array(randomBytes(32));
    const plain = plainBatches(pool.laneSlots + 2);
    const want = local('seal', key, plain);
    const total = want.reduce((sum, b) => sum + b.length, 0);
    const memory = new SharedArrayBuffer(7 + total + 5);
    new Uint8Array(memory).fill(0xee);
    const lane = pool.lane('seal', key, memory);
    const inFlight: { slot: number; at: number; length: number }[] = [];
    const collect = async () => {
      const b = inFlight.shift()!;
      const view = await lane.result(b.slot);
      assert.ok(view.buffer === memory && view.byteOffset === b.at && view.length === b.length, 'a view of the memory where the output went');
      lane.release(b.slot);
    };
    let at = 7; // odd offsets all along
    for (const [i, b] of plain.entries()) {
      if (inFlight.length === lane.slots) await collect();
      const { slot, input } = lane.acquire();
      input.set(b.data);
      lane.submit(slot, b.data.length, b.counter, b.final, at);
      inFlight.push({ slot, at, length: want[i]!.length });
      at += want[i]!.length;
    }
    while (inFlight.length) await collect();
    const bytes = new Uint8Array(memory);
    assert.ok(Buffer.from(memory, 7, total).equals(Buffer.concat(want)), 'outputs back to back where they were sent');
    assert.ok(bytes.subarray(0, 7).every((x) => x === 0xee) && bytes.subarray(7 + total).every((x) => x === 0xee), 'nothing written outside');

    const { slot, input } = lane.acquire();
    input.set(plain[0]!.data);
    lane.submit(slot, plain[0]!.data.length, 0, false, memory.byteLength - 100); // its output runs past the end
    await assert.rejects(lane.result(slot), /range|bounds|length/i);
    lane.release(slot);
    const next = lane.acquire();
    next.input.set(plain[0]!.data);
    lane.submit(next.slot, plain[0]!.data.length, 0, false, 7);
    assert.ok(Buffer.from(await lane.result(next.slot)).equals(want[0]!), 'the lane goes on');
    lane.release(next.slot);
    lane.close();
  });

  it('lanes open at once with different keys never mix (the workers serve both)', async () => {
    const keys = [new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32))];
    const plain = plainBatches(7);
    const lanes = keys.map((k) => pool.lane('seal', k, 'transfer'));
    const outs = await Promise.all(lanes.map((l) => through(l, plain)));
    for (const l of lanes) l.close();
    outs.forEach((o, i) => assert.deepEqual(o, local('seal', keys[i]!, plain), `lane ${i}`));
  });

  it('a tampered chunk fails its batch with AUTH_FAILED and the chunk number; the lane goes on', async () => {
    const key = new Uint8Array(randomBytes(32));
    const sealed = cipherBatch('seal', key, 0, randomBytes(4 * CHUNK), false);
    const bad = Buffer.from(sealed);
    bad[2 * SEALED_CHUNK + 5]! ^= 1;
    const lane = pool.lane('open', key, 'transfer');
    await assert.rejects(through(lane, [{ data: bad, counter: 0, final: false }]), (e: Error) => e.message.startsWith(AUTH_FAILED) && /chunk 2/.test(e.message));
    lane.release(0);
    assert.equal((await through(lane, [{ data: sealed, counter: 0, final: false }]))[0]?.length, 4 * CHUNK);
    lane.close();
  });

  it('a closed lane refuses work; losing a worker fails the open lanes, and the next lane gets fresh workers', async () => {
    const key = new Uint8Array(randomBytes(32));
    const closed = pool.lane('seal', key, 'transfer');
    closed.close();
    assert.throws(() => closed.acquire(), /closed/);

    const lane = pool.lane('seal', key, 'transfer');
    const running = (pool as unknown as { running: { worker: { terminate(): Promise<number> } }[] }).running;
    await Promise.all(running.map((t) => t.worker.terminate())); // as if they had crashed
    assert.throws(() => lane.acquire(), /crypt worker stopped unexpectedly/);
    lane.close();
    const again = pool.lane('seal', key, 'transfer');
    const plain = plainBatches(2);
    assert.deepEqual(await through(again, plain), local('seal', key, plain));
    again.close();
  });

  it('a failure wakes a result() that is waiting', async () => {
    const host = { ring: () => undefined, busy: () => undefined, closed: () => undefined }; // no workers: the batch stays queued
    const lane = new CryptLane(host, { id: 1, op: 'seal', key: new Uint8Array(32), slots: 1, inCap: 16, outCap: 32, ctrl: new SharedArrayBuffer(32), data: new SharedArrayBuffer(48), output: 'transfer' });
    const { slot } = lane.acquire();
    lane.submit(slot, 16, 0, true);
    const waiting = lane.result(slot);
    setTimeout(() => lane.fail(new Error('pool gone')), 20);
    const t0 = Date.now();
    await assert.rejects(waiting, /pool gone/);
    assert.ok(Date.now() - t0 < 900, 'woken at once, not by the poll');
  });

  it('keeps a process alive while a batch is in flight, and never once idle', () => {
    const src = fileURLToPath(new URL('./crypt-pool.ts', import.meta.url));
    // top-level await on a batch, nothing else pending: the process must wait for it; then it
    // must exit by itself with the pool (and its threads) left open
    const script = `
      const { CryptPool } = await import(${JSON.stringify(src)});
      const pool = new CryptPool(1);
      const lane = pool.lane('seal', new Uint8Array(32), 'transfer');
      const { slot } = lane.acquire();
      lane.submit(slot, ${BATCH_CHUNKS * CHUNK}, 0, true);
      const out = await lane.result(slot);
      console.log('sealed', out.length);
      lane.release(slot);`;
    const dir = mkdtempSync(join(tmpdir(), 's3deck-crypt-'));
    const file = join(dir, 'alive.mjs');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 20_000 });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.signal, null, 'exited by itself (not killed by the timeout)');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), `sealed ${BATCH_CHUNKS * SEALED_CHUNK}`);
  });
});
