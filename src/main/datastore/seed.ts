// Demo datastore for the sandbox: a local cache folder <dataDir>/demo/datastore-cache mirrored to
// s3://demo-datastore/team (namespaces models, reports, shared). After a first sync (no lock: the
// sandbox cannot lock) it leaves work for "Sync now": two local edits, one new local file and one
// object "pushed from another machine".
import { HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DatastoreInput } from '../../shared/datastore';
import type { Core } from '../core';
import type { JobContext } from '../jobs/registry';
import { SANDBOX_PROFILE_ID } from '../profiles/profile-store';
import { CONTENT_SHA256_META, createBucket } from '../s3/objects';
import { datastoreService } from './api';
import { savedTarget } from './connect';

export const DEMO_DATASTORE = 'demo-datastore';
const BUCKET = 'demo-datastore';
const PREFIX = 'team';

const FILES: Record<string, string> = {
  'README.md': '# Team datastore\nShared working data, synced by hand with S3 Deck.\n',
  'models/classifier/config.json': JSON.stringify({ layers: 4, hidden: 256, dropout: 0.1 }, null, 2),
  'models/classifier/weights.bin': 'w'.repeat(64 * 1024),
  'models/embedder/config.json': JSON.stringify({ dim: 384, normalize: true }, null, 2),
  'reports/2026-q1.md': '# Q1\nRevenue 1200, costs 800.\n',
  'reports/2026-q2.md': '# Q2\nRevenue 1500, costs 900.\n',
  'shared/glossary.md': '# Glossary\n- datastore: a local cache folder mirrored to S3\n',
  'shared/contacts.csv': 'name,team\nada,ml\ngrace,infra\n',
};

export async function seedDatastoreDemo(core: Core, ctx: JobContext): Promise<void> {
  const svc = datastoreService(core);
  if ((await svc.store.list()).some((d) => d.name === DEMO_DATASTORE)) return; // seeded before
  ctx.progress(0, null, 'steps', 'seeding the demo datastore');
  const { client: s3 } = await core.client(SANDBOX_PROFILE_ID);
  await s3.send(new HeadBucketCommand({ Bucket: BUCKET })).catch(() => createBucket(s3, BUCKET, 'us-east-1'));
  const localDir = join(core.opts.dataDir, 'demo', 'datastore-cache');
  const write = async (rel: string, body: string) => {
    await mkdir(dirname(join(localDir, rel)), { recursive: true });
    await writeFile(join(localDir, rel), body);
  };
  for (const [rel, body] of Object.entries(FILES)) await write(rel, body);

  const ds = await svc.store.save(
    DatastoreInput.parse({
      name: DEMO_DATASTORE,
      profileId: SANDBOX_PROFILE_ID,
      bucket: BUCKET,
      prefix: PREFIX,
      localDir,
      namespaces: ['models', 'reports', 'shared'],
    }),
  );
  const t = savedTarget(core, ds);
  const plan = await svc.plan(t, null, ctx);
  await svc.sync(ds.id, { planId: plan.planId, noLock: true }, ctx);

  // leave work for "Sync now": edits and a new file here, a new object from "another machine"
  await write('reports/2026-q2.md', '# Q2\nRevenue 1500, costs 900.\nUpdated forecast: 1700.\n');
  await write('shared/contacts.csv', 'name,team\nada,ml\ngrace,infra\nlinus,kernel\n');
  await write('reports/2026-q3-draft.md', '# Q3 (draft)\n');
  const remote = '# Notes from the laptop\nPushed from another machine.\n';
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: `${PREFIX}/shared/laptop-notes.md`,
      Body: remote,
      ContentType: 'text/markdown',
      Metadata: { [CONTENT_SHA256_META]: createHash('sha256').update(remote).digest('hex') },
    }),
  );
}
