// How a datastore reaches S3: a saved profile (GUI and `s3deck sync <datastore>`), or an ad-hoc
// connection from the CLI flags (`s3deck sync --bucket B --prefix P --dir D`). Either way the
// doctor result for the datastore's bucket is needed (checksum mode, whether locking works) and
// is run once when missing: saved with the profile, or for ad-hoc connections in the datastore's folder.
import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DoctorResult } from '../../shared/contract';
import type { Core } from '../core';
import { readJson, writeFileAtomic } from '../fsutil';
import { createS3Client, endpointOf, type ConnectionSpec } from '../s3/client-factory';
import { runDoctor } from '../s3/doctor';
import { ROOT_PARTITION } from './index-store';
import { RawPutter } from './raw-put';
import type { DatastoreConfig, DatastoreStore } from './store';

export interface Connection {
  s3: S3Client;
  doctor: DoctorResult;
  /** Lean PUT for small files (same credentials and addressing as s3). */
  rawPut: RawPutter;
}

/** The RawPutter that goes with a client: same endpoint, region, addressing and credentials. */
function rawPutterFor(s3: S3Client, spec: ConnectionSpec, maxSockets: number): RawPutter {
  const endpoint = endpointOf(spec);
  return new RawPutter({
    ...(endpoint ? { endpoint } : {}),
    region: spec.profile.region,
    pathStyle: spec.profile.forcePathStyle || spec.profile.kind === 'sandbox',
    credentials: () => s3.config.credentials(),
    maxSockets,
  });
}

export interface Target {
  ds: DatastoreConfig;
  connect(signal?: AbortSignal): Promise<Connection>;
}

const mutex = new Map<string, Promise<DoctorResult>>();
/** One doctor run per profile+bucket at a time (status, lockStatus and plan may all ask at once). */
function once(key: string, fn: () => Promise<DoctorResult>): Promise<DoctorResult> {
  const running = mutex.get(key);
  if (running) return running;
  const p = fn().finally(() => mutex.delete(key));
  mutex.set(key, p);
  return p;
}

export function savedTarget(core: Core, ds: DatastoreConfig): Target {
  let cached: { s3: S3Client; rawPut: RawPutter } | undefined;
  return {
    ds,
    async connect(signal) {
      let doctor = await core.profiles.doctor(ds.profileId, ds.bucket);
      if (doctor?.bucket !== ds.bucket) {
        doctor = await once(`${ds.profileId}/${ds.bucket}`, async () => {
          const d = await runDoctor(await core.spec(ds.profileId), ds.bucket, signal ? { signal } : {});
          await core.profiles.setDoctor(d);
          return d;
        });
      }
      const { client: s3, spec } = await core.client(ds.profileId);
      if (cached?.s3 !== s3) {
        cached?.rawPut.destroy();
        cached = { s3, rawPut: rawPutterFor(s3, spec, ds.pushConcurrency) };
      }
      return { s3, doctor, rawPut: cached.rawPut };
    },
  };
}

/**
 * A datastore made from CLI flags; its index lives under datastores/adhoc-<hash of where>. Its
 * namespaces are the ones synced before (index partitions on disk) plus the one asked for, so a
 * whole sync keeps using their partitions and takes their locks.
 */
export async function adhocTarget(
  store: DatastoreStore,
  spec: ConnectionSpec,
  p: { bucket: string; prefix: string; localDir: string; pullConcurrency?: number; pushConcurrency?: number; namespaces?: string[] },
): Promise<Target> {
  const localDir = resolve(p.localDir);
  const prefix = p.prefix.replace(/^\/+|\/+$/g, '');
  const where = `${endpointOf(spec) ?? 'aws'}|${spec.profile.region}|${p.bucket}|${prefix}|${localDir}`;
  const id = `adhoc-${createHash('sha256').update(where).digest('hex').slice(0, 16)}`;
  const known = await readdir(store.indexDir(id)).catch(() => [] as string[]);
  const namespaces = [...known.filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)), ...(p.namespaces ?? [])].filter((n) => n !== ROOT_PARTITION);
  const ds: DatastoreConfig = {
    id,
    name: `${p.bucket}/${prefix} ↔ ${localDir}`,
    profileId: spec.profile.id,
    bucket: p.bucket,
    prefix,
    localDir,
    pullConcurrency: p.pullConcurrency ?? 50,
    pushConcurrency: p.pushConcurrency ?? 25,
    namespaces: [...new Set(namespaces)].sort(),
    conflictPolicy: 'keep-both',
    deleteGuardPercent: 50,
    createdAt: new Date().toISOString(),
  };
  const doctorFile = join(store.dirOf(id), 'doctor.json');
  let conn: Connection | undefined;
  return {
    ds,
    async connect(signal) {
      if (conn) return conn;
      let doctor = await readJson<DoctorResult | null>(doctorFile, null);
      if (doctor?.bucket !== p.bucket || doctor.endpoint !== (endpointOf(spec) ?? 'AWS (default endpoint)')) {
        doctor = await runDoctor(spec, p.bucket, signal ? { signal } : {});
        await writeFileAtomic(doctorFile, JSON.stringify(doctor));
      }
      const s3 = createS3Client({ ...spec, doctor });
      conn = { s3, doctor, rawPut: rawPutterFor(s3, spec, ds.pushConcurrency) };
      return conn;
    },
  };
}
