import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { SyncPlan, SyncSummary } from '../../shared/datastore';
import { createApi } from '../api';
import { Core } from '../core';
import { createBucket } from '../s3/objects';
import { tempDir } from '../testing/tmp';

describe('datastore over the contract (embedded sandbox)', () => {
  let core: Core | undefined;
  after(() => core?.close());

  it('save → status → plan job → sync job (refused without noLock) → history; bad input is typed', async () => {
    core = await Core.create({ dataDir: await tempDir('s3deck-ds-api-'), transport: 'cli', hashThreads: 1 });
    const api = createApi(core);
    const s3 = (await core.client('sandbox')).client;
    await s3.send(new HeadBucketCommand({ Bucket: 'ds-api' })).catch(() => createBucket(s3, 'ds-api', 'us-east-1'));
    const dir = await tempDir('s3deck-ds-api-cache-');
    await writeFile(join(dir, 'a.txt'), 'a');

    const bad = await api.invoke('datastore.save', { name: 'x', profileId: 'sandbox', bucket: 'ds-api', prefix: '/lead', localDir: dir });
    assert.equal(bad.ok ? '' : bad.error.code, 'BAD_INPUT');
    const saved = await api.invoke('datastore.save', { name: 'api', profileId: 'sandbox', bucket: 'ds-api', prefix: 'p', localDir: dir });
    assert.ok(saved.ok);
    const id = saved.output.id;
    assert.equal(saved.output.pullConcurrency, 50);
    assert.equal(saved.output.pushConcurrency, 25);
    const status = await api.invoke('datastore.status', { datastoreId: id });
    assert.deepEqual(status.ok && status.output, { dirty: 1, localFiles: 1, lastSync: null });

    const planJob = await api.invoke('datastore.plan', { datastoreId: id });
    assert.ok(planJob.ok);
    const planInfo = await core.jobs.wait(planJob.output.jobId);
    assert.equal(planInfo.status, 'succeeded', JSON.stringify(planInfo.error));
    const plan = planInfo.result as SyncPlan;
    assert.equal(plan.counts.upload, 1);

    const refused = await api.invoke('datastore.sync', { datastoreId: id, planId: plan.planId });
    assert.equal(refused.ok ? '' : refused.error.code, 'CONFIRM_REQUIRED');
    const syncJob = await api.invoke('datastore.sync', { datastoreId: id, planId: plan.planId, noLock: true });
    assert.ok(syncJob.ok);
    const syncInfo = await core.jobs.wait(syncJob.output.jobId);
    assert.equal(syncInfo.status, 'succeeded', JSON.stringify(syncInfo.error));
    assert.equal((syncInfo.result as SyncSummary).uploaded, 1);

    const hist = await api.invoke('datastore.history', { datastoreId: id });
    assert.equal(hist.ok && hist.output.length, 1);
    const list = await api.invoke('datastore.list', {});
    assert.equal(list.ok && list.output[0]?.lastSync?.uploaded, 1);
    const del = await api.invoke('datastore.delete', { datastoreId: id });
    assert.ok(del.ok);
    const gone = await api.invoke('datastore.status', { datastoreId: id });
    assert.equal(gone.ok ? '' : gone.error.code, 'NOT_FOUND');
  });
});
