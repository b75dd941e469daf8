import { PutObjectCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { toAppError } from '../errors';
import { rgwTarget, sandboxTarget } from '../testing/targets';
import { acquireLock, lockKey, readLock } from './lock';
import { plan, put, quietCtx, remoteKeys, syncOnce, trackedFixtures } from './test-helpers';

const fx = trackedFixtures();
const code = (e: unknown) => toAppError(e).code;

const rgw = rgwTarget();
if (!rgw) it('datastore lock on rgw: S3DECK_TEST_RGW_ENDPOINT not set', (t) => t.skip('no rgw'));
else
  describe('datastore lock on rgw', () => {
    it('a sync takes and releases the lock; a live lock held elsewhere refuses the sync with its owner', async () => {
      const f = await fx(rgw);
      await put(f, 'a.txt', 'a');
      const first = await syncOnce(f);
      assert.equal(first.summary.locked, true);
      const key = lockKey(f.prefix, null);
      assert.equal(await readLock(f.s3, f.bucket, key), null); // released
      const st = await f.svc.lockStatus(f.t, null);
      assert.equal(st.unavailable, null);
      assert.equal(st.lock, null);

      const conn = await f.t.connect();
      const other = await acquireLock(conn.s3, conn.doctor, f.bucket, key, { ttlMs: 60_000 });
      try {
        await put(f, 'b.txt', 'b');
        const p = await plan(f);
        assert.equal(p.lock.lock?.mine, true);
        await assert.rejects(f.svc.sync(f.t.ds.id, { planId: p.planId }, quietCtx()), (e: unknown) => code(e) === 'LOCKED' && /locked by .+@/.test((e as Error).message));
        assert.deepEqual(await remoteKeys(f), ['.s3deck/lock', 'a.txt']); // nothing moved
        const hist = await f.svc.store.history(f.t.ds.id);
        assert.equal(hist.length, 1);
        // a live lock is not broken without force, nor with a stale ETag
        const live = (await f.svc.lockStatus(f.t, null)).lock!;
        assert.equal(live.expired, false);
        await assert.rejects(f.svc.lockBreak(f.t, null, live.etag, false), (e: unknown) => code(e) === 'CONFIRM_REQUIRED');
        await assert.rejects(f.svc.lockBreak(f.t, null, '"0123456789abcdef0123456789abcdef"', true), (e: unknown) => code(e) === 'CONFLICT');
        assert.ok(await readLock(f.s3, f.bucket, key));
      } finally {
        await other.release();
      }
      assert.equal(await readLock(f.s3, f.bucket, key), null);
    });

    it('an expired lock is broken conditionally on its ETag; a renewed one is not', async () => {
      const f = await fx(rgw);
      const key = lockKey(f.prefix, null);
      const stale = { owner: 'ghost', host: 'elsewhere', pid: 4242, token: 'x', acquiredAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T00:01:00.000Z' };
      await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: key, Body: JSON.stringify(stale) }));
      const st = (await f.svc.lockStatus(f.t, null)).lock!;
      assert.equal(st.owner, 'ghost');
      assert.equal(st.expired, true);
      // the holder "renews" after we looked: our break must fail
      await f.s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: key, Body: JSON.stringify({ ...stale, token: 'y' }) }));
      await assert.rejects(f.svc.lockBreak(f.t, null, st.etag, false), (e: unknown) => code(e) === 'CONFLICT');
      const now = (await f.svc.lockStatus(f.t, null)).lock!;
      await f.svc.lockBreak(f.t, null, now.etag, false);
      assert.equal(await readLock(f.s3, f.bucket, key), null);
      await put(f, 'a.txt', 'a');
      assert.equal((await syncOnce(f)).summary.status, 'succeeded');
    });

    it('the heartbeat renews with If-Match, and a broken lock aborts its holder', async () => {
      const f = await fx(rgw);
      const conn = await f.t.connect();
      const key = lockKey(f.prefix, null);
      const held = await acquireLock(conn.s3, conn.doctor, f.bucket, key, { ttlMs: 3000 });
      try {
        const first = (await readLock(f.s3, f.bucket, key))!;
        assert.equal(first.mine, true);
        await sleep(2500);
        const renewed = (await readLock(f.s3, f.bucket, key))!;
        assert.notEqual(renewed.etag, first.etag);
        assert.ok(Date.parse(renewed.expiresAt) > Date.parse(first.expiresAt));
        assert.equal(held.lost.aborted, false);
        // the holder renews every second: a break with a just-read ETag may lose that race (CONFLICT) — retry
        for (let i = 0; ; i++) {
          const now = (await readLock(f.s3, f.bucket, key))!;
          try {
            await f.svc.lockBreak(f.t, null, now.etag, true);
            break;
          } catch (e) {
            if (code(e) !== 'CONFLICT' || i >= 5) throw e;
          }
        }
        await sleep(1500);
        assert.equal(held.lost.aborted, true);
        assert.equal(code(held.lost.reason), 'LOCKED');
      } finally {
        await held.release();
      }
    });

    it('whole-datastore and namespace locks exclude each other', async () => {
      const f = await fx(rgw, { namespaces: ['models'] });
      await put(f, 'models/m.bin', 'm');
      await put(f, 'top.txt', 't');
      const conn = await f.t.connect();
      const nsLock = await acquireLock(conn.s3, conn.doctor, f.bucket, lockKey(f.prefix, 'models'));
      try {
        const p = await plan(f);
        await assert.rejects(f.svc.sync(f.t.ds.id, { planId: p.planId }, quietCtx()), (e: unknown) => code(e) === 'LOCKED');
        // the root lock taken before the namespace one was given back
        assert.equal(await readLock(f.s3, f.bucket, lockKey(f.prefix, null)), null);
      } finally {
        await nsLock.release();
      }
      const root = await acquireLock(conn.s3, conn.doctor, f.bucket, lockKey(f.prefix, null));
      try {
        // a namespaced sync takes only its own lock: it may run beside another namespace, and
        // a whole sync cannot start while it holds that lock (above)
        const { summary } = await syncOnce(f, {}, 'models');
        assert.equal(summary.status, 'succeeded');
      } finally {
        await root.release();
      }
      assert.deepEqual(await remoteKeys(f), ['models/m.bin']);
    });
  });

const sandbox = sandboxTarget();
if (!sandbox) it('datastore lock on the sandbox: S3DECK_TEST_S3RVER_ENDPOINT not set', (t) => t.skip('no sandbox'));
else
  describe('datastore lock on the sandbox', () => {
    it("refuses locking with the doctor's reason; syncs after the explicit no-lock confirmation", async () => {
      const f = await fx(sandbox);
      await put(f, 'a.txt', 'a');
      const st = await f.svc.lockStatus(f.t, null);
      assert.match(st.unavailable ?? '', /ignores If-None-Match|does not support conditional PUT/);
      const p = await plan(f);
      assert.equal(p.lock.unavailable, st.unavailable);
      assert.throws(
        () => f.svc.preflight(f.t.ds.id, { planId: p.planId }),
        (e: unknown) => code(e) === 'CONFIRM_REQUIRED' && (e as Error).message.includes(st.unavailable!),
      );
      const s = await f.svc.sync(f.t.ds.id, { planId: p.planId, noLock: true }, quietCtx());
      assert.equal(s.status, 'succeeded');
      assert.equal(s.locked, false);
      assert.deepEqual(await remoteKeys(f), ['a.txt']);
    });
  });
