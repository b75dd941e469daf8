import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import {
  createCredentialChain,
  fromContainerMetadata,
  fromIni,
  fromInstanceMetadata,
  fromNodeProviderChain,
  fromTokenFile,
} from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { ChecksumMode, DoctorResult, Profile } from '../../shared/contract';
import { AppError } from '../errors';
import type { ResolvedSecrets } from '../profiles/profile-store';

export interface ConnectionSpec {
  profile: Profile;
  secrets: ResolvedSecrets;
  /** Last doctor result for this profile, if any: decides checksum mode. */
  doctor: DoctorResult | null;
  /** Sandbox profile: the running s3rver endpoint and its fixed keys. */
  sandbox?: { endpoint: string; accessKeyId: string; secretAccessKey: string };
}

export interface ClientOptions {
  /** Override the checksum mode (the doctor uses this to probe both). */
  checksumMode?: ChecksumMode;
  forcePathStyle?: boolean;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/** AWS endpoints get the SDK defaults until the doctor says otherwise; any other store gets WHEN_REQUIRED. */
export function checksumModeFor(spec: ConnectionSpec): ChecksumMode {
  if (spec.doctor) return spec.doctor.checksumMode;
  const endpoint = endpointOf(spec);
  return !endpoint || /\.amazonaws\.com(\.cn)?(:\d+)?$/.test(new URL(endpoint).host) ? 'default' : 'when_required';
}

export function endpointOf(spec: ConnectionSpec): string | undefined {
  return spec.sandbox?.endpoint ?? spec.profile.endpoint;
}

function credentialsFor(spec: ConnectionSpec): AwsCredentialIdentity | AwsCredentialIdentityProvider {
  const { profile, secrets, sandbox } = spec;
  switch (profile.kind) {
    case 'sandbox':
      if (!sandbox) throw new AppError('UNAVAILABLE', 'the local sandbox is not running');
      return { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey };
    case 'static':
      if (!profile.accessKeyId || !secrets.secretAccessKey)
        throw new AppError('INVALID_CREDENTIALS', `profile "${profile.name}" has no stored secret key`);
      return {
        accessKeyId: profile.accessKeyId,
        secretAccessKey: secrets.secretAccessKey,
        ...(secrets.sessionToken ? { sessionToken: secrets.sessionToken } : {}),
      };
    case 'named':
      // fromIni resolves SSO, assume-role, credential_process and static entries of that profile.
      return fromIni({ profile: profile.awsProfile, ignoreCache: true });
    case 'iam-role':
      // instance profile / ECS task role / IRSA web identity, without env or file credentials
      return createCredentialChain(fromTokenFile(), fromContainerMetadata(), fromInstanceMetadata());
    case 'default-chain':
      return fromNodeProviderChain();
  }
}

/** The one place S3 clients are made. */
export function createS3Client(spec: ConnectionSpec, opts: ClientOptions = {}): S3Client {
  const mode = opts.checksumMode ?? checksumModeFor(spec);
  const endpoint = endpointOf(spec);
  const config: S3ClientConfig = {
    region: spec.profile.region,
    credentials: credentialsFor(spec),
    forcePathStyle: opts.forcePathStyle ?? (spec.profile.forcePathStyle || spec.profile.kind === 'sandbox'),
    maxAttempts: opts.maxAttempts ?? 3,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: opts.connectTimeoutMs ?? 5000,
      // socket idle limit; without throwOnRequestTimeout smithy only logs a warning and waits forever
      requestTimeout: opts.requestTimeoutMs ?? 60000,
      throwOnRequestTimeout: true,
      httpAgent: { keepAlive: true, maxSockets: 64 },
      httpsAgent: { keepAlive: true, maxSockets: 64 },
    }),
    ...(endpoint ? { endpoint } : {}),
    ...(mode === 'when_required'
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  };
  return new S3Client(config);
}

/** The value to send in If-Match for an ETag as S3 returned it, per the doctor's finding. */
export function ifMatchValue(etag: string, doctor: DoctorResult | null): string {
  const unquoted = etag.replace(/^"|"$/g, '');
  if (doctor && !doctor.ifMatchQuotedEtag && doctor.ifMatchUnquotedEtag) return unquoted;
  return `"${unquoted}"`;
}
