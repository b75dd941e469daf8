import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Core } from '../core';
import { tempDir } from '../testing/tmp';
import { datastoreService } from './api';
import { savedTarget } from './connect';
import { DEMO_DATASTORE, seedDatastoreDemo } from './seed';
import { quietCtx } from './test-helpers';

describe('datastore demo seed (embedded sandbox)', () => {
  let core: Core | undefined;
  after(() => core?.close());

  it('creates a synced demo datastore with work left for "Sync now"', async () => {
    core = await Core.create({ dataDir: await tempDir('s3deck-ds-seed-'), transport: 'cli', hashThreads: 1 });
    await seedDatastoreDemo(core, quietCtx());
    await seedDatastoreDemo(core, quietCtx()); // a second seed changes nothing
    const svc = datastoreService(core);
    const list = await svc.store.list();
    assert.equal(list.length, 1);
    const ds = list[0]!;
    assert.equal(ds.name, DEMO_DATASTORE);
    assert.deepEqual(ds.namespaces, ['models', 'reports', 'shared']);
    assert.equal(ds.lastSync?.status, 'succeeded');
    assert.equal(ds.lastSync?.uploaded, 8);
    const t = savedTarget(core, ds);
    const status = await svc.status(t, null);
    assert.equal(status.dirty, 3);
    assert.equal((await svc.status(t, 'models')).dirty, 0);
    const lock = await svc.lockStatus(t, null);
    assert.ok(lock.unavailable, 'the sandbox cannot lock');
    const plan = await svc.plan(t, null, quietCtx());
    assert.deepEqual(
      Object.fromEntries(plan.items.map((i) => [i.path, i.action])),
      { 'reports/2026-q2.md': 'upload', 'reports/2026-q3-draft.md': 'upload', 'shared/contacts.csv': 'upload', 'shared/laptop-notes.md': 'download' },
    );
  });
});
