import type { Profile } from '../../shared/contract';
import type { Core } from '../core';
import { AppError } from '../errors';
import { listAwsProfiles } from '../profiles/aws-config';
import type { ConnectionSpec } from '../s3/client-factory';

export interface ConnectionFlags {
  profile?: string;
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
}

/**
 * How the CLI picks a connection: --profile names a saved S3 Deck profile (name or id, "sandbox"
 * included) or else an ~/.aws profile; otherwise --endpoint / AWS_ENDPOINT_URL with the standard
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY env vars, or the default credential chain.
 */
export async function resolveConnection(core: Core, f: ConnectionFlags): Promise<ConnectionSpec> {
  if (f.profile) {
    const saved = (await core.profiles.list()).find((p) => p.id === f.profile || p.name === f.profile);
    if (saved) return core.spec(saved.id);
    const aws = (await listAwsProfiles()).find((p) => p.name === f.profile);
    if (!aws) throw new AppError('NOT_FOUND', `no S3 Deck or ~/.aws profile named "${f.profile}"`);
    return adhoc({ kind: 'named', awsProfile: aws.name, region: f.region ?? aws.region }, f);
  }
  const ak = process.env.AWS_ACCESS_KEY_ID;
  const sk = process.env.AWS_SECRET_ACCESS_KEY;
  if (ak && sk) {
    const token = process.env.AWS_SESSION_TOKEN;
    return { ...adhoc({ kind: 'static', accessKeyId: ak }, f), secrets: { secretAccessKey: sk, ...(token ? { sessionToken: token } : {}) } };
  }
  return adhoc({ kind: 'default-chain' }, f);
}

function adhoc(p: Partial<Profile> & Pick<Profile, 'kind'>, f: ConnectionFlags): ConnectionSpec {
  const endpoint = f.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const region = f.region ?? p.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const profile: Profile = {
    id: 'cli',
    name: 'command line',
    hasSecret: p.kind === 'static',
    createdAt: new Date().toISOString(),
    forcePathStyle: Boolean(f.pathStyle),
    ...p,
    region,
    ...(endpoint ? { endpoint } : {}),
  };
  return { profile, secrets: {}, doctor: null };
}
