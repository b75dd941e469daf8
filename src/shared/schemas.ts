// Zod schemas for everything that crosses the contract. Types are inferred from these.
// No runtime dependency beyond zod: this file is imported by main, preload and renderer.
import { z } from 'zod';

export const Empty = z.object({}).strict();

// ---------- errors ----------
export const ErrorCode = z.enum([
  'BAD_INPUT', // input failed validation
  'UNKNOWN_CHANNEL', // channel not in the contract
  'NOT_FOUND', // profile, bucket, key, job ... does not exist
  'ACCESS_DENIED', // credentials valid but not allowed
  'INVALID_CREDENTIALS', // wrong keys, expired token, no credentials found
  'ENDPOINT_UNREACHABLE', // DNS, refused connection, TLS, timeout
  'UNAVAILABLE', // feature not supported by this endpoint (reason from the doctor)
  'CONFLICT', // precondition failed, already exists
  'CANCELLED',
  'TIMEOUT',
  'S3_ERROR', // any other S3 error, with its S3 code in detail
  'IO_ERROR', // local file system
  'WRONG_KEY', // wrong passphrase or identity: nothing was decrypted or written
  'CORRUPTED', // ciphertext or data failed authentication / checksum (corrupted or tampered)
  'LOCKED', // held by another owner (message names the owner)
  'CONFIRM_REQUIRED', // the action needs an explicit confirmation (delete guard, no-lock sync)
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const AppErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  detail: z.string().optional(),
});
export type AppErrorShape = z.infer<typeof AppErrorShape>;

// ---------- jobs ----------
export const JobRef = z.object({ jobId: z.string() });
export type JobRef = z.infer<typeof JobRef>;

export const JobUnit = z.enum(['bytes', 'items', 'steps']);
export const JobProgress = z.object({
  jobId: z.string(),
  done: z.number(),
  total: z.number().nullable(),
  unit: JobUnit,
  phase: z.string(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobStatus = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof JobStatus>;

export const JobInfo = z.object({
  jobId: z.string(),
  kind: z.string(),
  title: z.string(),
  status: JobStatus,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  progress: JobProgress.optional(),
  result: z.unknown().optional(),
  error: AppErrorShape.optional(),
});
export type JobInfo = z.infer<typeof JobInfo>;

// ---------- profiles ----------
const Region = z.string().regex(/^[a-z0-9-]{2,32}$/, 'region like us-east-1');
const Endpoint = z
  .string()
  .url('endpoint must be a URL like https://s3.example.com')
  .refine((u) => /^https?:\/\//.test(u), 'endpoint must be http(s)');

export const ProfileKind = z.enum(['default-chain', 'named', 'static', 'iam-role', 'sandbox']);
export type ProfileKind = z.infer<typeof ProfileKind>;

export const ProfileInput = z
  .object({
    id: z.string().min(1).max(64).optional(),
    name: z.string().trim().min(1, 'name is required').max(80),
    kind: ProfileKind.exclude(['sandbox']),
    region: Region.default('us-east-1'),
    endpoint: Endpoint.optional(),
    forcePathStyle: z.boolean().default(false),
    awsProfile: z.string().min(1).max(128).optional(),
    accessKeyId: z.string().min(3).max(128).optional(),
    /** Only sent when the user types it; goes to the SecretStore, never stored in the profile. */
    secretAccessKey: z.string().min(1).max(256).optional(),
    sessionToken: z.string().min(1).max(4096).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.kind === 'named' && !p.awsProfile)
      ctx.addIssue({ code: 'custom', path: ['awsProfile'], message: 'pick a profile from ~/.aws/config' });
    if (p.kind === 'static' && !p.accessKeyId)
      ctx.addIssue({ code: 'custom', path: ['accessKeyId'], message: 'access key id is required' });
  });
export type ProfileInput = z.input<typeof ProfileInput>;
export type ProfileInputParsed = z.output<typeof ProfileInput>;

export const Profile = z.object({
  id: z.string(),
  name: z.string(),
  kind: ProfileKind,
  region: z.string(),
  endpoint: z.string().optional(),
  forcePathStyle: z.boolean(),
  awsProfile: z.string().optional(),
  accessKeyId: z.string().optional(),
  hasSecret: z.boolean(),
  createdAt: z.string(),
});
export type Profile = z.infer<typeof Profile>;

export const AwsConfigProfile = z.object({
  name: z.string(),
  source: z.enum(['config', 'credentials', 'both']),
  sso: z.boolean(),
  region: z.string().optional(),
  roleArn: z.string().optional(),
});
export type AwsConfigProfile = z.infer<typeof AwsConfigProfile>;

// ---------- doctor ----------
export const ChecksumMode = z.enum(['default', 'when_required']);
export type ChecksumMode = z.infer<typeof ChecksumMode>;

export const DoctorResult = z.object({
  profileId: z.string(),
  bucket: z.string(),
  endpoint: z.string(),
  ranAt: z.string(),
  durationMs: z.number(),
  versioning: z.boolean(),
  versioningStatus: z.enum(['Enabled', 'Suspended', 'Off']).nullable(),
  conditionalPut: z.boolean(),
  conditionalPutIgnored: z.boolean(),
  ifMatchQuotedEtag: z.boolean(),
  ifMatchUnquotedEtag: z.boolean(),
  streamingChecksums: z.boolean(),
  checksumMode: ChecksumMode,
  sseEcho: z.boolean(),
  multipartEtagSuffix: z.boolean(),
  clockSkewMs: z.number().nullable(),
  pathStyleRequired: z.boolean(),
  /** Per-field explanation: what was observed, or why the probe failed. */
  notes: z.record(z.string(), z.string()),
  /** Scratch keys the doctor could not delete (normally empty). */
  leftovers: z.array(z.string()),
});
export type DoctorResult = z.infer<typeof DoctorResult>;

// ---------- buckets & objects ----------
/** A profile's, vault's or datastore's id. */
export const Id = z.string().min(1).max(64);
export const BucketName = z
  .string()
  .min(3, 'bucket names have 3 to 63 characters')
  .max(63, 'bucket names have 3 to 63 characters')
  .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 'bucket names use a-z, 0-9, dot and hyphen');
const Key = z.string().min(1).max(1024);
const Prefix = z.string().max(1024);
const ProfileRef = Id;

export const BucketInfo = z.object({ name: z.string(), createdAt: z.string().optional() });
export type BucketInfo = z.infer<typeof BucketInfo>;

export const ObjectSummary = z.object({
  key: z.string(),
  size: z.number(),
  lastModified: z.string().optional(),
  etag: z.string().optional(),
  storageClass: z.string().optional(),
});
export type ObjectSummary = z.infer<typeof ObjectSummary>;

export const ListInput = z
  .object({
    profileId: ProfileRef,
    bucket: BucketName,
    prefix: Prefix.default(''),
    delimiter: z.string().max(8).optional(),
    continuationToken: z.string().max(4096).optional(),
    maxKeys: z.number().int().min(1).max(1000).default(1000),
  })
  .strict();
export const ListPage = z.object({
  prefixes: z.array(z.string()),
  objects: z.array(ObjectSummary),
  nextToken: z.string().optional(),
});
export type ListPage = z.infer<typeof ListPage>;

export const ObjectRef = z
  .object({ profileId: ProfileRef, bucket: BucketName, key: Key, versionId: z.string().max(1024).optional() })
  .strict();

export const ObjectDetails = z.object({
  bucket: z.string(),
  key: z.string(),
  size: z.number(),
  lastModified: z.string().optional(),
  etag: z.string().optional(),
  contentType: z.string().optional(),
  storageClass: z.string(),
  sse: z.string().optional(),
  sseKmsKeyId: z.string().optional(),
  versionId: z.string().optional(),
  metadata: z.record(z.string(), z.string()),
  contentSha256: z.string().optional(),
});
export type ObjectDetails = z.infer<typeof ObjectDetails>;

export const VersionsInput = z
  .object({
    profileId: ProfileRef,
    bucket: BucketName,
    key: Key,
    keyMarker: z.string().max(1024).optional(),
    versionIdMarker: z.string().max(1024).optional(),
    maxKeys: z.number().int().min(1).max(1000).default(50),
  })
  .strict();
export const ObjectVersion = z.object({
  versionId: z.string(),
  isLatest: z.boolean(),
  deleteMarker: z.boolean(),
  size: z.number().optional(),
  lastModified: z.string().optional(),
  etag: z.string().optional(),
});
export const VersionsPage = z.object({
  versions: z.array(ObjectVersion),
  next: z.object({ keyMarker: z.string(), versionIdMarker: z.string().optional() }).optional(),
});
export type VersionsPage = z.infer<typeof VersionsPage>;

export const UploadInput = z
  .object({
    profileId: ProfileRef,
    bucket: BucketName,
    files: z.array(z.object({ path: z.string().min(1).max(4096), key: Key }).strict()).min(1).max(10000),
  })
  .strict();
export const UploadResult = z.object({
  uploaded: z.array(z.object({ key: z.string(), size: z.number(), sha256: z.string(), etag: z.string().optional() })),
});
export type UploadResult = z.infer<typeof UploadResult>;

export const DownloadInput = z
  .object({
    profileId: ProfileRef,
    bucket: BucketName,
    key: Key,
    versionId: z.string().max(1024).optional(),
    targetPath: z.string().min(1).max(4096),
    overwrite: z.boolean().default(false),
  })
  .strict();
export const DownloadResult = z.object({ path: z.string(), size: z.number(), sha256: z.string(), verified: z.boolean() });

export const DeleteInput = z
  .object({ profileId: ProfileRef, bucket: BucketName, keys: z.array(Key).min(1).max(100000) })
  .strict();
export const DeleteResult = z.object({
  deleted: z.number(),
  errors: z.array(z.object({ key: z.string(), code: z.string(), message: z.string() })),
});

// ---------- local files (the built-in picker; works the same over both transports) ----------
export const LocalListInput = z.object({ path: z.string().max(4096).optional() }).strict();
export const LocalEntry = z.object({
  name: z.string(),
  path: z.string(),
  type: z.enum(['file', 'dir', 'link', 'other']),
  size: z.number(),
});
export type LocalEntry = z.infer<typeof LocalEntry>;
export const LocalListing = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  entries: z.array(LocalEntry),
});
export type LocalListing = z.infer<typeof LocalListing>;

// ---------- app / sandbox ----------
export const SandboxStatus = z.object({
  running: z.boolean(),
  endpoint: z.string().optional(),
  dataDir: z.string(),
  seeded: z.boolean(),
});
export type SandboxStatus = z.infer<typeof SandboxStatus>;

export const AppInfo = z.object({
  version: z.string(),
  dataDir: z.string(),
  transport: z.enum(['electron', 'loopback', 'cli', 'test']),
  homeDir: z.string(),
  downloadsDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const SeedResult = z.object({ buckets: z.array(z.string()), objects: z.number(), bytes: z.number() });
export type SeedResult = z.infer<typeof SeedResult>;

// ---------- vaults and datastores ----------
/** The input fields a vault and a datastore share: which profile and bucket (prefix and folder differ in defaults). */
export const TargetInputFields = {
  id: Id.optional(),
  name: z.string().trim().min(1, 'name is required').max(80),
  profileId: Id,
  bucket: BucketName,
};
/** The stored fields a vault and a datastore share: where in S3, and the local folder. */
export const TargetFields = {
  id: z.string(),
  name: z.string(),
  profileId: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  localDir: z.string(),
};
