import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApi, type Api } from '../api';
import { Core } from '../core';
import { tempDir } from '../testing/tmp';

// Needs dist/main/sandbox-child.js (npm test builds first).
describe('embedded sandbox (s3rver child process)', () => {
  let core: Core;
  let api: Api;
  before(async () => {
    core = await Core.create({ dataDir: await tempDir('s3deck-sbx-'), transport: 'test' });
    api = createApi(core);
  });
  after(() => core.close());

  it('is not running until something uses it, then listens on 127.0.0.1', async () => {
    const s0 = await api.invoke('sandbox.status', {});
    assert.ok(s0.ok && !s0.output.running && !s0.output.seeded);
    const buckets = await api.invoke('buckets.list', { profileId: 'sandbox' });
    assert.ok(buckets.ok, JSON.stringify(buckets));
    const s1 = await api.invoke('sandbox.status', {});
    assert.ok(s1.ok && s1.output.running);
    assert.match((s1.ok && s1.output.endpoint) || '', /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('loads demo data as a job with progress, and the buckets are browsable', async () => {
    const progress: number[] = [];
    const off = core.bus.on((topic, p) => {
      if (topic === 'job.progress') progress.push((p as { done: number }).done);
    });
    const r = await api.invoke('sandbox.seed', {});
    assert.ok(r.ok);
    const info = await core.jobs.wait(r.ok ? r.output.jobId : '');
    off();
    assert.equal(info.status, 'succeeded', JSON.stringify(info.error));
    assert.ok(progress.length > 1, 'progress events');
    const seeded = info.result as { buckets: string[]; objects: number };
    assert.deepEqual(seeded.buckets.sort(), ['demo-assets', 'demo-configs', 'demo-logs']);

    const root = await api.invoke('objects.list', { profileId: 'sandbox', bucket: 'demo-assets', delimiter: '/' });
    assert.ok(root.ok);
    if (!root.ok) return;
    assert.deepEqual(root.output.prefixes, ['archives/', 'images/', 'reports/']);
    const head = await api.invoke('objects.head', { profileId: 'sandbox', bucket: 'demo-assets', key: 'images/banner-100k.bin' });
    assert.ok(head.ok && head.output.size === 100 * 1024 && head.output.metadata.team === 'design');
    assert.match((head.ok && head.output.contentSha256) || '', /^[0-9a-f]{64}$/);

    // ListObjectsV2 continuation works (needs --openssl-legacy-provider in the child)
    const p1 = await api.invoke('objects.list', { profileId: 'sandbox', bucket: 'demo-logs', prefix: 'flat/', maxKeys: 1000 });
    assert.ok(p1.ok && p1.output.nextToken);
    const p2 = await api.invoke('objects.list', {
      profileId: 'sandbox', bucket: 'demo-logs', prefix: 'flat/', maxKeys: 1000, continuationToken: p1.ok ? p1.output.nextToken : '',
    });
    assert.ok(p2.ok && p2.output.objects.length === 500 && !p2.output.nextToken);
    const st = await api.invoke('sandbox.status', {});
    assert.ok(st.ok && st.output.seeded);
    // seeding runs the doctor, so the UI can show what the sandbox lacks at once
    const d = await api.invoke('doctor.get', { profileId: 'sandbox' });
    assert.ok(d.ok && d.output?.bucket === 'demo-assets' && d.output.conditionalPutIgnored === true);
  });

  it('the doctor says honestly what the sandbox lacks, and versions are refused with that reason', async () => {
    const d = await api.invoke('doctor.run', { profileId: 'sandbox', bucket: 'demo-assets' });
    assert.ok(d.ok, JSON.stringify(d));
    if (!d.ok) return;
    assert.equal(d.output.versioning, false);
    assert.equal(d.output.conditionalPut, false);
    assert.equal(d.output.conditionalPutIgnored, true);
    assert.deepEqual(d.output.leftovers, []);
    const saved = await api.invoke('doctor.get', { profileId: 'sandbox' });
    assert.ok(saved.ok && saved.output?.ranAt === d.output.ranAt);
    const v = await api.invoke('objects.versions', { profileId: 'sandbox', bucket: 'demo-assets', key: 'README.txt' });
    assert.ok(!v.ok && v.error.code === 'UNAVAILABLE' && /version/i.test(v.error.message), JSON.stringify(v));
  });

  it('stops with the app', async () => {
    await core.sandbox.stop();
    assert.equal(core.sandbox.status().running, false);
  });
});
