import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersionIds, freeVersionId, historyKey, latestKey, manifestKey, parseHistoryKey, planPrune, slotKey, timestampId, versionTime } from './layout';

describe('vault layout', () => {
  const loc = { bucket: 'b', prefix: 'team/tazpod' };

  it('names keys as TazPod does', () => {
    assert.equal(latestKey(loc), 'team/tazpod/vault/vault.tar.aes');
    assert.equal(historyKey(loc, '20261121T101500'), 'team/tazpod/vault/history/vault-20261121T101500.tar.aes');
    assert.equal(manifestKey(loc, '20261121T101500-2'), 'team/tazpod/vault/history/vault-20261121T101500-2.manifest.aes');
    assert.equal(slotKey(loc, 'b'), 'team/tazpod/vault/slot-b');
    assert.deepEqual(parseHistoryKey('x/vault/history/vault-20261121T101500-12.tar.aes'), { versionId: '20261121T101500-12', kind: 'tar' });
    assert.deepEqual(parseHistoryKey('x/vault/history/vault-20261121T101500.manifest.aes'), { versionId: '20261121T101500', kind: 'manifest' });
    assert.equal(parseHistoryKey('x/vault/history/notes.txt'), undefined);
    assert.equal(versionTime('20261121T101500-3'), '2026-11-21T10:15:00Z');
  });

  it('version ids are UTC seconds, collision-safe, ordered numerically by suffix', () => {
    const d = new Date('2026-11-21T10:15:00.987Z');
    assert.equal(timestampId(d), '20261121T101500');
    assert.equal(freeVersionId(d, new Set()), '20261121T101500');
    assert.equal(freeVersionId(d, new Set(['20261121T101500', '20261121T101500-2'])), '20261121T101500-3');
    const ids = ['20261121T101500-10', '20261121T101500', '20261121T101459', '20261121T101500-2', '20261121T101500-9'];
    assert.deepEqual([...ids].sort(compareVersionIds), ['20261121T101459', '20261121T101500', '20261121T101500-2', '20261121T101500-9', '20261121T101500-10']);
  });

  it('plans retention: newest N kept, pinned versions never dropped', () => {
    const ids = Array.from({ length: 8 }, (_, i) => `2026010${i + 1}T000000`);
    const plan = planPrune(ids, 3, new Set(['20260102T000000']));
    assert.deepEqual(plan.keep, ['20260108T000000', '20260107T000000', '20260106T000000', '20260102T000000']);
    assert.deepEqual(plan.drop, ['20260105T000000', '20260104T000000', '20260103T000000', '20260101T000000']);
    assert.deepEqual(plan.pinnedKept, ['20260102T000000']);
    assert.deepEqual(planPrune(ids.slice(0, 2), 50, new Set()).drop, []);
  });
});
