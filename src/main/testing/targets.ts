// Test-only: the S3 endpoints integration tests run against, from env vars that
// tools/test/run-all.mjs sets after starting Ceph RGW and the s3rver sandbox.
//   S3DECK_TEST_RGW_ENDPOINT, S3DECK_TEST_RGW_ACCESS_KEY, S3DECK_TEST_RGW_SECRET_KEY
//   S3DECK_TEST_S3RVER_ENDPOINT            (keys are s3rver's fixed S3RVER/S3RVER)
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import type { Profile } from '../../shared/contract';
import type { ConnectionSpec } from '../s3/client-factory';
import { SANDBOX_KEYS } from '../sandbox/sandbox';

// the SDK's notice that its 2027 releases need Node 22 is noise in every test log
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export type TargetName = 'rgw' | 'sandbox';
export interface TestTarget {
  name: TargetName;
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A static-keys connection spec with no doctor result (checksum mode from the endpoint kind). */
  spec: ConnectionSpec;
}

function staticProfile(name: string, endpoint: string, accessKeyId: string): Profile {
  return {
    id: `test-${name}`,
    name: `test ${name}`,
    kind: 'static',
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    accessKeyId,
    hasSecret: true,
    createdAt: new Date(0).toISOString(),
  };
}

function target(name: TargetName, endpoint: string | undefined, ak?: string, sk?: string): TestTarget | undefined {
  if (!endpoint || !ak || !sk) return undefined;
  return {
    name,
    endpoint,
    accessKeyId: ak,
    secretAccessKey: sk,
    spec: { profile: staticProfile(name, endpoint, ak), secrets: { secretAccessKey: sk }, doctor: null },
  };
}

export const rgwTarget = () =>
  target('rgw', process.env.S3DECK_TEST_RGW_ENDPOINT, process.env.S3DECK_TEST_RGW_ACCESS_KEY, process.env.S3DECK_TEST_RGW_SECRET_KEY);
export const sandboxTarget = () =>
  target('sandbox', process.env.S3DECK_TEST_S3RVER_ENDPOINT, SANDBOX_KEYS.accessKeyId, SANDBOX_KEYS.secretAccessKey);

/** Targets present in this run, plus a reason line for each one that is absent. */
export function testTargets(): { targets: TestTarget[]; skipped: string[] } {
  const targets: TestTarget[] = [];
  const skipped: string[] = [];
  const r = rgwTarget();
  if (r) targets.push(r);
  else skipped.push('rgw: S3DECK_TEST_RGW_ENDPOINT not set (Ceph not installed?)');
  const s = sandboxTarget();
  if (s) targets.push(s);
  else skipped.push('sandbox: S3DECK_TEST_S3RVER_ENDPOINT not set');
  return { targets, skipped };
}

/** Creates a uniquely named bucket for one test. */
export async function freshBucket(client: S3Client, hint = 't'): Promise<string> {
  const name = `${hint}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`.toLowerCase().slice(0, 63);
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}
