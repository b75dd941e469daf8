import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { toAppError } from '../errors';
import { headObject } from '../s3/objects';
import { testTargets } from '../testing/targets';
import { actions, plan, put, putRemote, quietCtx, readLocal, readRemote, remoteKeys, sha, syncOnce, trackedFixtures } from './test-helpers';

const { targets, skipped } = testTargets();
for (const s of skipped) it(`datastore sync: ${s}`, (t) => t.skip(s));

const fx = trackedFixtures();

for (const target of targets) {
  // the sandbox cannot lock (see lock.test.ts): there every sync runs with the explicit noLock
  const noLock = target.name === 'sandbox';

  describe(`datastore sync on ${target.name}`, () => {
    it('plans and syncs every cell of the three-way table, then has nothing left to do', async () => {
      const f = await fx(target);
      const base = ['same', 'lchg', 'rchg', 'ldel', 'rdel', 'both', 'bothdel', 'lchg-rdel', 'ldel-rchg', 'foreign'];
      for (const n of base) await put(f, `d/${n}.txt`, `base ${n}`);
      const first = await syncOnce(f, { noLock });
      assert.equal(first.summary.uploaded, base.length, JSON.stringify(first.summary));
      assert.equal(first.summary.status, 'succeeded');

      await put(f, 'd/lchg.txt', 'local v2');
      await putRemote(f, 'd/rchg.txt', 'remote v2');
      await putRemote(f, 'd/foreign.txt', 'written by another tool', false);
      await rm(join(f.dir, 'd/ldel.txt'));
      await f.s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: `${f.prefix}/d/rdel.txt` }));
      await put(f, 'd/both.txt', 'both local');
      await putRemote(f, 'd/both.txt', 'both remote');
      await rm(join(f.dir, 'd/bothdel.txt'));
      await f.s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: `${f.prefix}/d/bothdel.txt` }));
      await put(f, 'd/lchg-rdel.txt', 'local edit');
      await f.s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: `${f.prefix}/d/lchg-rdel.txt` }));
      await rm(join(f.dir, 'd/ldel-rchg.txt'));
      await putRemote(f, 'd/ldel-rchg.txt', 'remote edit');
      await put(f, 'new-local.txt', 'hello');
      await putRemote(f, 'new-remote.txt', 'from afar');
      await put(f, 'twin-same.txt', 'twin');
      await putRemote(f, 'twin-same.txt', 'twin');
      await put(f, 'twin-diff.txt', 'twin here');
      await putRemote(f, 'twin-diff.txt', 'twin there');

      const p = await plan(f);
      assert.deepEqual(actions(p), {
        'd/both.txt': 'both-changed',
        'd/foreign.txt': 'download',
        'd/lchg-rdel.txt': 'local-changed-remote-deleted',
        'd/lchg.txt': 'upload',
        'd/ldel-rchg.txt': 'local-deleted-remote-changed',
        'd/ldel.txt': 'delete-remote',
        'd/rchg.txt': 'download',
        'd/rdel.txt': 'delete-local',
        'new-local.txt': 'upload',
        'new-remote.txt': 'download',
        'twin-diff.txt': 'both-new',
      });
      assert.equal(p.counts.unchanged, 2); // d/same.txt, twin-same.txt (adopted by content)
      assert.equal(p.guard.tripped, false);

      const s = await f.svc.sync(f.t.ds.id, { planId: p.planId, noLock, conflictPolicy: 'keep-both' }, quietCtx());
      assert.equal(s.status, 'succeeded', JSON.stringify(s));
      assert.deepEqual([s.uploaded, s.downloaded, s.deletedLocal, s.deletedRemote, s.conflicts], [5, 6, 1, 1, 4]);
      assert.equal(s.locked, !noLock);
      assert.equal(await readRemote(f, 'd/lchg.txt'), 'local v2');
      assert.equal(await readLocal(f, 'd/rchg.txt'), 'remote v2');
      assert.equal(await readLocal(f, 'd/foreign.txt'), 'written by another tool');
      assert.equal(await readLocal(f, 'd/both.txt'), 'both remote');
      assert.equal(await readLocal(f, 'd/ldel-rchg.txt'), 'remote edit');
      assert.equal(await readRemote(f, 'd/lchg-rdel.txt'), 'local edit');
      assert.equal(await readLocal(f, 'new-remote.txt'), 'from afar');
      const copies = (await readdir(join(f.dir, 'd'))).filter((n) => n.startsWith('both.txt.conflict-'));
      assert.equal(copies.length, 1);
      assert.match(copies[0]!, /^both\.txt\.conflict-.+-\d{8}T\d{6}Z$/);
      assert.equal(await readRemote(f, `d/${copies[0]}`), 'both local'); // uploaded in the same run
      const keys = await remoteKeys(f);
      assert.ok(!keys.includes('d/ldel.txt') && !keys.includes('d/bothdel.txt'));
      await assert.rejects(readLocal(f, 'd/rdel.txt'));
      assert.ok(!keys.some((k) => k.includes('.s3deck')), keys.join());

      const again = await plan(f);
      assert.deepEqual(actions(again), {});
      assert.equal(again.counts.unchanged, again.localFiles);
      assert.equal(again.localFiles, again.remoteFiles);
      const hist = await f.svc.store.history(f.t.ds.id);
      assert.equal(hist.length, 2);
      assert.equal(hist[0]?.uploaded, 5);
    });

    it('conflict policies local and remote pick a side; per-path resolutions override', async () => {
      const f = await fx(target);
      for (const n of ['a', 'b', 'c']) await put(f, `${n}.txt`, `base ${n}`);
      await syncOnce(f, { noLock });
      for (const n of ['a', 'b', 'c']) {
        await put(f, `${n}.txt`, `local ${n}`);
        await putRemote(f, `${n}.txt`, `remote ${n}`);
      }
      const { summary } = await syncOnce(f, { noLock, conflictPolicy: 'local', resolutions: [{ path: 'b.txt', choice: 'remote' }, { path: 'c.txt', choice: 'skip' }] });
      assert.equal(summary.status, 'partial'); // c.txt left unresolved
      assert.equal(await readRemote(f, 'a.txt'), 'local a');
      assert.equal(await readLocal(f, 'b.txt'), 'remote b');
      assert.equal(await readLocal(f, 'c.txt'), 'local c');
      assert.equal(await readRemote(f, 'c.txt'), 'remote c');
      assert.deepEqual(actions(await plan(f)), { 'c.txt': 'both-changed' });
    });

    it('a namespaced sync touches only its folder and index partition', async () => {
      const f = await fx(target, { namespaces: ['models', 'reports'] });
      await put(f, 'models/m.bin', 'model');
      await put(f, 'reports/r.md', 'report');
      await put(f, 'top.txt', 'top');
      const { plan: p, summary } = await syncOnce(f, { noLock }, 'models');
      assert.deepEqual(actions(p), { 'models/m.bin': 'upload' });
      assert.equal(summary.namespace, 'models');
      assert.deepEqual(await remoteKeys(f), ['models/m.bin']);
      assert.deepEqual(await readdir(f.svc.store.indexDir(f.t.ds.id)), ['models.json']);
      const whole = await plan(f);
      assert.deepEqual(actions(whole), { 'reports/r.md': 'upload', 'top.txt': 'upload' }); // models/ known from its partition
      await f.svc.sync(f.t.ds.id, { planId: whole.planId, noLock }, quietCtx());
      assert.deepEqual((await readdir(f.svc.store.indexDir(f.t.ds.id))).sort(), ['_root.json', 'models.json', 'reports.json']);
      await putRemote(f, 'reports/r2.md', 'new report');
      assert.deepEqual(actions(await plan(f, 'models')), {});
      assert.deepEqual(actions(await plan(f, 'reports')), { 'reports/r2.md': 'download' });
      await assert.rejects(plan(f, 'other'), /not a namespace/);
      // an unmounted cache folder is not "everything was deleted locally"
      await rm(f.dir, { recursive: true });
      await assert.rejects(plan(f), /local cache folder .* is missing/);
    });

    it('the delete guard refuses a plan deleting most of a side unless confirmed', async () => {
      const f = await fx(target);
      for (let i = 0; i < 4; i++) await put(f, `f${i}.txt`, `file ${i}`);
      await syncOnce(f, { noLock });
      for (let i = 0; i < 3; i++) await rm(join(f.dir, `f${i}.txt`));
      const p = await plan(f);
      assert.equal(p.guard.tripped, true);
      assert.equal(p.guard.remoteDeletePercent, 75);
      assert.throws(() => f.svc.preflight(f.t.ds.id, { planId: p.planId, noLock }), (e: unknown) => toAppError(e).code === 'CONFIRM_REQUIRED');
      assert.equal((await remoteKeys(f)).length, 4);
      const s = await f.svc.sync(f.t.ds.id, { planId: p.planId, noLock, confirmDeletes: true }, quietCtx());
      assert.equal(s.deletedRemote, 3);
      assert.deepEqual(await remoteKeys(f), ['f3.txt']);
    });

    it('a file modified during its upload is not recorded as synced and goes up next run', async () => {
      const f = await fx(target);
      const big = randomBytes(10 * 1024 * 1024); // multipart: bytes are verified while streaming
      await writeFile(join(f.dir, 'big.bin'), big);
      await put(f, 'small.txt', 'small');
      let touched = false;
      const ctx = quietCtx({
        progress: (done) => {
          if (!touched && done > 0) {
            touched = true;
            appendFileSync(join(f.dir, 'big.bin'), 'more bytes');
          }
        },
      });
      const { summary } = await syncOnce(f, { noLock }, null, ctx);
      assert.ok(touched);
      assert.deepEqual(summary.retryNext, ['big.bin'], JSON.stringify(summary));
      assert.equal(summary.status, 'partial');
      const next = await plan(f);
      assert.deepEqual(actions(next), { 'big.bin': 'upload' });
      const s2 = await f.svc.sync(f.t.ds.id, { planId: next.planId, noLock }, quietCtx());
      assert.equal(s2.status, 'succeeded');
      const h = await headObject(f.s3, { bucket: f.bucket, key: `${f.prefix}/big.bin` });
      assert.equal(h.contentSha256, sha(Buffer.concat([big, Buffer.from('more bytes')])));
      assert.deepEqual(actions(await plan(f)), {});
    });

    it('round-trips names with spaces, unicode and reserved characters', async () => {
      const f = await fx(target);
      // s3rver escapes & and ' twice in its LIST XML (every client then sees "&amp;"): RGW only
      const xmlSpecial = target.name === 'rgw' ? ["sp ace/a & b+c=d.txt", "x/(1)!*'~;,$@.txt"] : ['sp ace/a b+c=d.txt', 'x/(1)!*~;,$@.txt'];
      const names = [...xmlSpecial, 'ünï/cödé 😀.md', 'q/100%.txt'];
      for (const n of names) await put(f, n, `body of ${n}`);
      const { summary } = await syncOnce(f, { noLock });
      assert.equal(summary.uploaded, names.length, JSON.stringify(summary.failed));
      assert.deepEqual(await remoteKeys(f), [...names].sort());
      for (const n of names) assert.equal(await readRemote(f, n), `body of ${n}`);
      assert.deepEqual(actions(await plan(f)), {});
    });

    it('skips items that moved between plan and sync, and reports them', async () => {
      const f = await fx(target);
      await put(f, 'a.txt', 'one');
      await put(f, 'b.txt', 'two');
      const p = await plan(f);
      await put(f, 'a.txt', 'one, edited after the plan');
      await putRemote(f, 'b.txt', 'someone else was faster');
      const s = await f.svc.sync(f.t.ds.id, { planId: p.planId, noLock }, quietCtx());
      assert.equal(s.status, 'partial');
      assert.deepEqual(s.failed.map((x) => x.path).sort(), ['a.txt', 'b.txt']);
      assert.equal(await readRemote(f, 'b.txt'), 'someone else was faster');
      await assert.rejects(f.svc.sync(f.t.ds.id, { planId: p.planId, noLock }, quietCtx()), /unknown or expired/);
    });
  });
}
