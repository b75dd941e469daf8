import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DoctorResult } from '../../shared/contract';
import { tempDir } from '../testing/tmp';
import { ProfileStore } from './profile-store';
import { MemorySecretStore } from './secret-store';

const result = (profileId: string, bucket: string, ranAt: string, conditionalPut: boolean): DoctorResult => ({
  profileId, bucket, endpoint: 'http://x', ranAt, durationMs: 1, versioning: true, versioningStatus: 'Off',
  conditionalPut, conditionalPutIgnored: !conditionalPut, ifMatchQuotedEtag: false, ifMatchUnquotedEtag: true,
  streamingChecksums: false, checksumMode: 'when_required', sseEcho: false, multipartEtagSuffix: true,
  clockSkewMs: 0, pathStyleRequired: false, notes: {}, leftovers: [],
});

describe('profile store', () => {
  it('keeps doctor results per bucket; without a bucket the latest wins', async () => {
    const dir = await tempDir('s3deck-ps-');
    const store = new ProfileStore(dir, new MemorySecretStore());
    const p = await store.save({ name: 'ceph', kind: 'default-chain', region: 'us-east-1', forcePathStyle: true });
    assert.equal(await store.doctor(p.id), null);
    await store.setDoctor(result(p.id, 'plain', '2026-01-01T00:00:00Z', true));
    await store.setDoctor(result(p.id, 'versioned', '2026-01-02T00:00:00Z', false));
    assert.equal((await store.doctor(p.id, 'plain'))?.conditionalPut, true);
    assert.equal((await store.doctor(p.id, 'versioned'))?.conditionalPut, false);
    assert.equal((await store.doctor(p.id))?.bucket, 'versioned');
    assert.equal((await store.doctor(p.id, 'never-probed'))?.bucket, 'versioned');

    // persisted, and a changed connection drops the old diagnosis
    const again = new ProfileStore(dir, new MemorySecretStore());
    assert.equal((await again.doctor(p.id, 'plain'))?.bucket, 'plain');
    await again.save({ id: p.id, name: 'ceph', kind: 'default-chain', region: 'eu-west-1', forcePathStyle: true });
    assert.equal(await again.doctor(p.id), null);
    // results for unknown profiles are not stored
    await again.setDoctor(result('ghost', 'b', '2026-01-03T00:00:00Z', true));
    assert.equal(await again.doctor('ghost'), null);
  });
});
