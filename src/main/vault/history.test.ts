// History listing and diff logic over a stub S3 client (no endpoint): 10,000 versions page fine.
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManifestEntry } from '../../shared/vault';
import type { VaultCtx } from './context';
import { diffEntries, historyPage } from './history';
import { historyKey, manifestKey } from './layout';

/** A bucket of `n` history versions (one every minute) with manifests, answered 1000 keys a page. */
function stubVault(n: number): { v: VaultCtx; lists: () => number } {
  const loc = { bucket: 'b', prefix: 'tazpod' };
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString().replace(/[-:]/g, '').slice(0, 15);
    keys.push(historyKey(loc, id), manifestKey(loc, id));
  }
  keys.sort();
  let lists = 0;
  const send = async (cmd: unknown) => {
    if (cmd instanceof ListObjectsV2Command) {
      lists++;
      const start = Number(cmd.input.ContinuationToken ?? 0);
      const page = keys.filter((k) => k.startsWith(cmd.input.Prefix ?? '')).slice(start, start + 1000);
      const more = start + 1000 < keys.length;
      return { Contents: page.map((Key) => ({ Key, Size: 100 })), IsTruncated: more, ...(more ? { NextContinuationToken: String(start + 1000) } : {}) };
    }
    if (cmd instanceof HeadObjectCommand) throw Object.assign(new Error('not found'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
  };
  const s3 = { send } as unknown as S3Client;
  return { v: { ...loc, s3, key: { kind: 'x25519', identities: [], recipients: [] }, localDir: '/nowhere', retention: 50, cacheId: `stub-${n}-${Math.random()}` }, lists: () => lists };
}

describe('vault history logic', () => {
  it('lists 10,000 versions newest first in pages, listing the bucket once', async () => {
    const { v, lists } = stubVault(10_000);
    const first = await historyPage(v, { limit: 1000 });
    assert.equal(first.total, 10_000);
    assert.equal(first.versions.length, 1000);
    assert.equal(first.versions[0]!.versionId, '20260107T223900');
    assert.ok(first.versions.every((x, i, a) => i === 0 || a[i - 1]!.versionId > x.versionId));
    assert.ok(first.versions.every((x) => x.hasManifest));
    assert.equal(first.latest, null);
    assert.deepEqual(first.slots, { a: null, b: null });
    let cursor = first.nextCursor;
    let seen = first.versions.length;
    while (cursor) {
      const p = await historyPage(v, { cursor, limit: 1000 });
      seen += p.versions.length;
      cursor = p.nextCursor;
    }
    assert.equal(seen, 10_000);
    assert.equal(lists(), 20, 'one paged LIST of 20,000 keys, then the cache');
  });

  it('diffs manifests: added, removed, changed (content, mode, link), unchanged', () => {
    const e = (path: string, over: Partial<ManifestEntry> = {}): ManifestEntry => ({ path, type: 'file', size: 1, mode: 0o644, mtime: '2026-01-01T00:00:00.000Z', sha256: 'a', ...over });
    const d = diffEntries(
      [e('same'), e('gone'), e('edit'), e('chmod'), e('touched'), e('ln', { type: 'symlink', size: 0, sha256: undefined, linkTarget: 'x' })],
      [e('same'), e('edit', { sha256: 'b', size: 2 }), e('chmod', { mode: 0o600 }), e('touched', { mtime: '2026-02-01T00:00:00.000Z' }), e('ln', { type: 'symlink', size: 0, sha256: undefined, linkTarget: 'y' }), e('new')],
    );
    assert.deepEqual(d.added.map((x) => x.path), ['new']);
    assert.deepEqual(d.removed.map((x) => x.path), ['gone']);
    assert.deepEqual(d.changed.map((x) => x.path), ['edit', 'chmod', 'ln']);
    assert.equal(d.unchanged, 2, 'an mtime-only change is not a change');
  });
});
