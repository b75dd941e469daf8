import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlanAction } from '../../shared/datastore';
import { resolveConflict } from './executor';
import { deleteGuard, planSync, type IndexEntry, type LocalState, type RemoteState } from './planner';

const L = (sha: string, mtimeMs = 1000): LocalState => ({ size: sha.length, mtimeMs, sha256: sha });
const R = (etag: string, sha?: string): RemoteState => ({ key: `p/${etag}`, size: 1, etag, ...(sha ? { sha256: sha } : {}) });
const B = (sha: string, etag: string): IndexEntry => ({ size: sha.length, mtimeMs: 1000, sha256: sha, remoteEtag: etag, remoteSha256: sha, syncedAt: 'x' });

/** One path through the planner: [local, remote, base] → the plan entry (or none). */
function one(l: LocalState | undefined, r: RemoteState | undefined, b: IndexEntry | undefined) {
  const m = <T>(v: T | undefined) => new Map(v ? [['f', v]] : []);
  const p = planSync(m(l), m(r), m(b), 'now');
  return { entry: p.entries[0], plan: p };
}

describe('planner: every cell of the three-way table', () => {
  const cells: [string, LocalState | undefined, RemoteState | undefined, IndexEntry | undefined, PlanAction | 'none', string?][] = [
    ['new locally', L('a'), undefined, undefined, 'upload'],
    ['new on remote', undefined, R('e1'), undefined, 'download'],
    ['new on both, same content', L('a'), R('e1', 'a'), undefined, 'none'],
    ['new on both, different content', L('a'), R('e1', 'b'), undefined, 'conflict', 'both-new'],
    ['new on both, remote without our sha', L('a'), R('e1'), undefined, 'conflict', 'both-new'],
    ['unchanged', L('a'), R('e1'), B('a', 'e1'), 'none'],
    ['changed locally', L('a2'), R('e1'), B('a', 'e1'), 'upload'],
    ['changed on remote', L('a'), R('e2', 'b'), B('a', 'e1'), 'download'],
    ['changed on remote by a tool without our sha', L('a'), R('e2'), B('a', 'e1'), 'download'],
    ['re-uploaded identical bytes (new ETag, same sha)', L('a'), R('e2', 'a'), B('a', 'e1'), 'none'],
    ['changed on both sides', L('a2'), R('e2', 'b'), B('a', 'e1'), 'conflict', 'both-changed'],
    ['changed on both sides to the same content', L('c'), R('e2', 'c'), B('a', 'e1'), 'none'],
    ['deleted locally', undefined, R('e1'), B('a', 'e1'), 'delete-remote'],
    ['deleted on remote', L('a'), undefined, B('a', 'e1'), 'delete-local'],
    ['deleted on both sides', undefined, undefined, B('a', 'e1'), 'none'],
    ['changed locally, deleted on remote', L('a2'), undefined, B('a', 'e1'), 'conflict', 'local-changed-remote-deleted'],
    ['deleted locally, changed on remote', undefined, R('e2', 'b'), B('a', 'e1'), 'conflict', 'local-deleted-remote-changed'],
  ];
  for (const [name, l, r, b, action, conflict] of cells) {
    it(name, () => {
      const { entry, plan } = one(l, r, b);
      if (action === 'none') assert.equal(entry, undefined, JSON.stringify(entry));
      else {
        assert.equal(entry?.action, action);
        assert.equal(entry?.conflict, conflict);
      }
      const counted = plan.counts.upload + plan.counts.download + plan.counts.deleteLocal + plan.counts.deleteRemote + plan.counts.conflict;
      assert.equal(counted, action === 'none' ? 0 : 1);
    });
  }

  it('adopts identical content and refreshes a touched file in the index, without moving bytes', () => {
    const adopted = one(L('a'), R('e1', 'a'), undefined).plan;
    assert.deepEqual(adopted.housekeeping, [{ path: 'f', entry: { size: 1, mtimeMs: 1000, sha256: 'a', remoteEtag: 'e1', remoteSha256: 'a', syncedAt: 'now' } }]);
    assert.equal(adopted.counts.unchanged, 1);
    const touched = one(L('a', 2000), R('e1'), B('a', 'e1')).plan;
    assert.equal(touched.housekeeping[0]?.entry?.mtimeMs, 2000);
    assert.equal(one(L('a'), R('e1'), B('a', 'e1')).plan.housekeeping.length, 0);
    assert.deepEqual(one(undefined, undefined, B('a', 'e1')).plan.housekeeping, [{ path: 'f', entry: null }]);
  });

  it('counts bytes both ways and files on each side', () => {
    const p = planSync(new Map([['up', L('xyz')]]), new Map([['down', { ...R('e'), size: 7 }]]), new Map());
    assert.deepEqual([p.bytesUp, p.bytesDown, p.localFiles, p.remoteFiles], [3, 7, 1, 1]);
  });
});

describe('planner: conflict choices', () => {
  const both = one(L('a2'), R('e2', 'b'), B('a', 'e1')).entry!;
  const lchg = one(L('a2'), undefined, B('a', 'e1')).entry!;
  const rchg = one(undefined, R('e2', 'b'), B('a', 'e1')).entry!;
  it('keep-both renames-and-downloads on a both-sides conflict, keeps the changed side otherwise', () => {
    assert.equal(resolveConflict(both, 'keep-both')?.kind, 'keep-both');
    assert.equal(resolveConflict(lchg, 'keep-both')?.kind, 'upload');
    assert.equal(resolveConflict(rchg, 'keep-both')?.kind, 'download');
  });
  it('local and remote pick a side; skip and an unanswered ask leave it', () => {
    assert.deepEqual([both, lchg, rchg].map((e) => resolveConflict(e, 'local')?.kind), ['upload', 'upload', 'delete-remote']);
    assert.deepEqual([both, lchg, rchg].map((e) => resolveConflict(e, 'remote')?.kind), ['download', 'delete-local', 'download']);
    assert.equal(resolveConflict(both, 'skip'), null);
    assert.equal(resolveConflict(both, 'ask'), null);
  });
});

describe('planner: delete guard', () => {
  const files = (n: number, prefix: string) => new Map(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, L('a')]));
  it('trips above the share on either side and names it', () => {
    const base = new Map(Array.from({ length: 4 }, (_, i) => [`f${i}`, B('a', 'e')]));
    const remote = new Map(Array.from({ length: 4 }, (_, i) => [`f${i}`, R('e')]));
    const local = files(1, 'f'); // 3 of 4 deleted locally → 3 remote deletes of 4 remote files
    const p = planSync(local, remote, base);
    assert.equal(p.counts.deleteRemote, 3);
    const g = deleteGuard(p, 50);
    assert.equal(g.tripped, true);
    assert.equal(g.remoteDeletePercent, 75);
    assert.match(g.reason ?? '', /3 of 4 remote files/);
    assert.equal(deleteGuard(p, 80).tripped, false);
  });
  it('does not trip without deletes', () => {
    assert.equal(deleteGuard(planSync(files(3, 'n'), new Map(), new Map()), 0).tripped, false);
  });
});
