// Endpoint doctor against the test endpoints (Ceph RGW, s3rver sandbox) plus unit tests of
// unavailableReason. Run: node --import tsx --test src/main/s3/doctor.test.ts
import {
  DeleteBucketCommand,
  GetBucketVersioningCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { DoctorResult, type Profile } from '../../shared/contract';
import { AppError } from '../errors';
import { freshBucket, testTargets, type TargetName, type TestTarget } from '../testing/targets';
import { createS3Client, type ConnectionSpec } from './client-factory';
import { runDoctor, unavailableReason } from './doctor';
import { PROBE_ROOT } from './doctor-probes';

const { targets, skipped } = testTargets();

/** The target, or undefined after marking the test skipped with the reason. */
function need(t: TestContext, name: TargetName): TestTarget | undefined {
  const target = targets.find((x) => x.name === name);
  if (!target) {
    const reason = skipped.find((s) => s.startsWith(name)) ?? `${name}: not configured`;
    console.log(`# skip: ${reason}`);
    t.skip(reason);
  }
  return target;
}

async function probeKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: PROBE_ROOT }));
  return (r.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
}

async function doctorOn(target: TestTarget): Promise<{ d: DoctorResult; s3: S3Client; bucket: string }> {
  const s3 = createS3Client(target.spec);
  const bucket = await freshBucket(s3, 'doctor');
  const d = await runDoctor(target.spec, bucket);
  console.log(`# ${target.name}: ${JSON.stringify(d)}`);
  DoctorResult.parse(d); // matches the contract schema
  assert.equal(d.bucket, bucket);
  assert.equal(d.profileId, target.spec.profile.id);
  assert.equal(d.endpoint, target.endpoint);
  assert.deepEqual(d.leftovers, []);
  assert.deepEqual(await probeKeys(s3, bucket), [], 'no scratch keys left under .s3deck-probe/');
  await s3.send(new DeleteBucketCommand({ Bucket: bucket })); // empty again: the doctor cleaned up
  return { d, s3, bucket };
}

function withSpec(spec: ConnectionSpec, patch: Partial<Profile>, secret?: string): ConnectionSpec {
  return {
    ...spec,
    profile: { ...spec.profile, ...patch },
    secrets: secret === undefined ? spec.secrets : { ...spec.secrets, secretAccessKey: secret },
  };
}

async function rejectsWith(p: Promise<unknown>, code: AppError['code']): Promise<AppError> {
  const err = await p.then(
    () => assert.fail(`expected ${code}, the doctor succeeded`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, `AppError expected, got ${String(err)}`);
  assert.equal(err.code, code, `${err.code}: ${err.message} ${err.detail ?? ''}`);
  return err;
}

test('doctor on Ceph RGW', async (t) => {
  const target = need(t, 'rgw');
  if (!target) return;
  const { d } = await doctorOn(target);
  assert.equal(d.versioning, true);
  assert.equal(d.versioningStatus, 'Off'); // a fresh bucket; the doctor never enables it
  assert.equal(d.conditionalPut, true);
  assert.equal(d.conditionalPutIgnored, false);
  assert.equal(d.ifMatchUnquotedEtag, true);
  assert.equal(d.streamingChecksums, false);
  assert.equal(d.checksumMode, 'when_required');
  assert.equal(d.multipartEtagSuffix, true);
  assert.equal(typeof d.clockSkewMs, 'number');
  assert.equal(unavailableReason(d, 'versioning'), null);
  assert.equal(unavailableReason(d, 'conditionalWrites'), null);
  assert.equal(unavailableReason(d, 'locking'), null);
});

test('doctor on a versioned RGW bucket removes every version it wrote', async (t) => {
  const target = need(t, 'rgw');
  if (!target) return;
  const s3 = createS3Client(target.spec);
  const bucket = await freshBucket(s3, 'doctor-ver');
  await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  const d = await runDoctor(target.spec, bucket);
  console.log(`# rgw (versioning enabled): ${JSON.stringify(d)}`);
  assert.equal(d.versioning, true);
  assert.equal(d.versioningStatus, 'Enabled');
  // Observed on Ceph 16.2 (pacific): in a versioning-enabled bucket RGW ignores If-None-Match: *
  // (the PUT adds a version) and refuses If-Match even with the current ETag. Whatever this RGW
  // does, the result must be consistent and the app must not offer locking on top of it.
  assert.ok(!(d.conditionalPut && d.conditionalPutIgnored));
  if (d.conditionalPutIgnored) assert.match(unavailableReason(d, 'locking') ?? '', /If-None-Match/);
  assert.deepEqual(d.leftovers, []);
  const v = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: PROBE_ROOT }));
  assert.equal((v.Versions ?? []).length + (v.DeleteMarkers ?? []).length, 0, 'no versions or delete markers left');
  assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Enabled'); // untouched
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
});

test('doctor on the s3rver sandbox', async (t) => {
  const target = need(t, 'sandbox');
  if (!target) return;
  const { d } = await doctorOn(target);
  assert.equal(d.versioning, false);
  assert.equal(d.versioningStatus, null);
  assert.equal(d.conditionalPut, false);
  assert.equal(d.conditionalPutIgnored, true);
  assert.equal(d.ifMatchQuotedEtag, false);
  assert.equal(d.ifMatchUnquotedEtag, false);
  assert.equal(d.checksumMode, 'when_required');
  assert.equal(d.multipartEtagSuffix, false);
  assert.match(unavailableReason(d, 'versioning') ?? '', /versioning/);
  assert.match(unavailableReason(d, 'locking') ?? '', /If-None-Match/);
});

test('wrong secret key -> INVALID_CREDENTIALS', async (t) => {
  const target = need(t, 'rgw'); // s3rver runs with allowMismatchedSignatures: only RGW checks the secret
  if (!target) return;
  const s3 = createS3Client(target.spec);
  const bucket = await freshBucket(s3, 'doctor');
  await rejectsWith(runDoctor(withSpec(target.spec, {}, 'not-the-secret-key-000000000000000000000'), bucket), 'INVALID_CREDENTIALS');
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
});

test('unknown access key on the sandbox -> INVALID_CREDENTIALS', async (t) => {
  const target = need(t, 'sandbox');
  if (!target) return;
  const s3 = createS3Client(target.spec);
  const bucket = await freshBucket(s3, 'doctor');
  await rejectsWith(runDoctor(withSpec(target.spec, { accessKeyId: 'NOSUCHKEY' }), bucket), 'INVALID_CREDENTIALS');
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
});

test('unreachable endpoint -> ENDPOINT_UNREACHABLE within a few seconds', async () => {
  const spec: ConnectionSpec = {
    profile: {
      id: 'test-unreachable', name: 'unreachable', kind: 'static', region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1', forcePathStyle: true, accessKeyId: 'AKIAEXAMPLE', hasSecret: true,
      createdAt: new Date(0).toISOString(),
    },
    secrets: { secretAccessKey: 'secret' },
    doctor: null,
  };
  const t0 = Date.now();
  await rejectsWith(runDoctor(spec, 'some-bucket'), 'ENDPOINT_UNREACHABLE');
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
});

for (const name of ['rgw', 'sandbox'] as const) {
  test(`nonexistent bucket on ${name} -> NOT_FOUND`, async (t) => {
    const target = need(t, name);
    if (!target) return;
    const err = await rejectsWith(runDoctor(target.spec, `no-such-bucket-${Date.now().toString(36)}`), 'NOT_FOUND');
    assert.match(err.message, /no such bucket/);
  });

  test(`cancelled doctor on ${name} still cleans up`, async (t) => {
    const target = need(t, name);
    if (!target) return;
    const s3 = createS3Client(target.spec);
    const bucket = await freshBucket(s3, 'doctor');
    await rejectsWith(runDoctor(target.spec, bucket, { signal: AbortSignal.abort() }), 'CANCELLED');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 40);
    const outcome = await runDoctor(target.spec, bucket, { signal: ac.signal }).then(
      (d) => `finished (${d.durationMs} ms)`,
      (e: unknown) => (e instanceof AppError ? e.code : String(e)),
    );
    assert.ok(outcome === 'CANCELLED' || outcome.startsWith('finished'), outcome);
    console.log(`# ${name}: aborted after 40 ms -> ${outcome}`);
    assert.deepEqual(await probeKeys(s3, bucket), []);
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  });
}

// ---------- unavailableReason ----------
const base: DoctorResult = {
  profileId: 'p', bucket: 'b', endpoint: 'http://store.example', ranAt: new Date(0).toISOString(), durationMs: 1,
  versioning: true, versioningStatus: 'Enabled', conditionalPut: true, conditionalPutIgnored: false,
  ifMatchQuotedEtag: true, ifMatchUnquotedEtag: true, streamingChecksums: true, checksumMode: 'default',
  sseEcho: true, multipartEtagSuffix: true, clockSkewMs: 0, pathStyleRequired: false, notes: {}, leftovers: [],
};

test('unavailableReason: everything available', () => {
  for (const f of ['versioning', 'conditionalWrites', 'locking'] as const) assert.equal(unavailableReason(base, f), null);
  // only the unquoted form works (RGW): still usable
  assert.equal(unavailableReason({ ...base, ifMatchQuotedEtag: false }, 'locking'), null);
  // versioning supported but not (yet) enabled on the bucket: the endpoint can do it
  assert.equal(unavailableReason({ ...base, versioningStatus: 'Off' }, 'versioning'), null);
});

test('unavailableReason: no doctor result yet', () => {
  for (const f of ['versioning', 'conditionalWrites', 'locking'] as const)
    assert.match(unavailableReason(null, f) ?? '', /doctor/);
});

test('unavailableReason: missing features', () => {
  const noVer = { ...base, versioning: false, versioningStatus: null, notes: { versioning: 'NotImplemented' } };
  assert.match(unavailableReason(noVer, 'versioning') ?? '', /store\.example.*versioning.*NotImplemented/);
  assert.equal(unavailableReason(noVer, 'locking'), null);

  const ignored = { ...base, conditionalPut: false, conditionalPutIgnored: true };
  assert.match(unavailableReason(ignored, 'conditionalWrites') ?? '', /ignores If-None-Match.*overwrote/);
  assert.match(unavailableReason(ignored, 'locking') ?? '', /lock could be taken twice/);
  assert.equal(unavailableReason(ignored, 'versioning'), null);

  const noCond = { ...base, conditionalPut: false, notes: { conditionalPut: 'probe failed: NotImplemented (HTTP 501)' } };
  assert.match(unavailableReason(noCond, 'conditionalWrites') ?? '', /does not support conditional PUT.*501/);

  const noIfMatch = { ...base, ifMatchQuotedEtag: false, ifMatchUnquotedEtag: false };
  assert.match(unavailableReason(noIfMatch, 'conditionalWrites') ?? '', /If-Match/);
  assert.match(unavailableReason(noIfMatch, 'locking') ?? '', /renewed or released/);
});
