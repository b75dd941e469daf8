import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BucketInfo, ListPage, ObjectDetails, VersionsPage } from '../../shared/contract';

export const CONTENT_SHA256_META = 'content-sha256'; // stored as x-amz-meta-content-sha256

export async function listBuckets(s3: S3Client, signal?: AbortSignal): Promise<BucketInfo[]> {
  const r = await s3.send(new ListBucketsCommand({}), { abortSignal: signal });
  return (r.Buckets ?? [])
    .filter((b): b is typeof b & { Name: string } => Boolean(b.Name))
    .map((b) => ({ name: b.Name, ...(b.CreationDate ? { createdAt: b.CreationDate.toISOString() } : {}) }));
}

export async function createBucket(s3: S3Client, bucket: string, region: string): Promise<void> {
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      ...(region !== 'us-east-1' ? { CreateBucketConfiguration: { LocationConstraint: region as never } } : {}),
    }),
  );
}

/** One page of a prefix listing (delimiter '/' gives folders as prefixes). */
export async function listPage(
  s3: S3Client,
  p: { bucket: string; prefix: string; delimiter?: string; continuationToken?: string; maxKeys: number },
  signal?: AbortSignal,
): Promise<ListPage> {
  const r = await s3.send(
    new ListObjectsV2Command({
      Bucket: p.bucket,
      Prefix: p.prefix || undefined,
      Delimiter: p.delimiter,
      ContinuationToken: p.continuationToken,
      MaxKeys: p.maxKeys,
    }),
    { abortSignal: signal },
  );
  return {
    prefixes: (r.CommonPrefixes ?? []).flatMap((c) => (c.Prefix ? [c.Prefix] : [])),
    objects: (r.Contents ?? []).flatMap((o) =>
      o.Key
        ? [
            {
              key: o.Key,
              size: o.Size ?? 0,
              ...(o.LastModified ? { lastModified: o.LastModified.toISOString() } : {}),
              ...(o.ETag ? { etag: o.ETag } : {}),
              ...(o.StorageClass ? { storageClass: o.StorageClass } : {}),
            },
          ]
        : [],
    ),
    ...(r.IsTruncated && r.NextContinuationToken ? { nextToken: r.NextContinuationToken } : {}),
  };
}

/** Every key under a prefix (paged LIST). */
export async function* listAll(s3: S3Client, bucket: string, prefix: string, signal?: AbortSignal) {
  let token: string | undefined;
  do {
    const page = await listPage(s3, { bucket, prefix, continuationToken: token, maxKeys: 1000 }, signal);
    yield* page.objects;
    token = page.nextToken;
  } while (token);
}

export async function headObject(
  s3: S3Client,
  p: { bucket: string; key: string; versionId?: string },
  signal?: AbortSignal,
): Promise<ObjectDetails> {
  const r = await s3.send(new HeadObjectCommand({ Bucket: p.bucket, Key: p.key, VersionId: p.versionId }), {
    abortSignal: signal,
  });
  const metadata = r.Metadata ?? {};
  const sha = metadata[CONTENT_SHA256_META];
  return {
    bucket: p.bucket,
    key: p.key,
    size: r.ContentLength ?? 0,
    storageClass: r.StorageClass ?? 'STANDARD',
    metadata,
    ...(r.LastModified ? { lastModified: r.LastModified.toISOString() } : {}),
    ...(r.ETag ? { etag: r.ETag } : {}),
    ...(r.ContentType ? { contentType: r.ContentType } : {}),
    ...(r.ServerSideEncryption ? { sse: r.ServerSideEncryption } : {}),
    ...(r.SSEKMSKeyId ? { sseKmsKeyId: r.SSEKMSKeyId } : {}),
    ...(r.VersionId ? { versionId: r.VersionId } : {}),
    ...(sha && /^[0-9a-f]{64}$/.test(sha) ? { contentSha256: sha } : {}),
  };
}

/** One page of versions of one key (the key itself as prefix, filtered to exact matches). */
export async function listVersions(
  s3: S3Client,
  p: { bucket: string; key: string; keyMarker?: string; versionIdMarker?: string; maxKeys: number },
  signal?: AbortSignal,
): Promise<VersionsPage> {
  const r = await s3.send(
    new ListObjectVersionsCommand({
      Bucket: p.bucket,
      Prefix: p.key,
      KeyMarker: p.keyMarker,
      VersionIdMarker: p.versionIdMarker,
      MaxKeys: p.maxKeys,
    }),
    { abortSignal: signal },
  );
  const versions = [
    ...(r.Versions ?? []).map((v) => ({ v, deleteMarker: false })),
    ...(r.DeleteMarkers ?? []).map((v) => ({ v, deleteMarker: true })),
  ]
    .filter(({ v }) => v.Key === p.key)
    .map(({ v, deleteMarker }) => ({
      versionId: v.VersionId ?? 'null',
      isLatest: Boolean(v.IsLatest),
      deleteMarker,
      ...('Size' in v && typeof v.Size === 'number' ? { size: v.Size } : {}),
      ...(v.LastModified ? { lastModified: v.LastModified.toISOString() } : {}),
      ...('ETag' in v && typeof v.ETag === 'string' ? { etag: v.ETag } : {}),
    }))
    .sort((a, b) => (b.lastModified ?? '').localeCompare(a.lastModified ?? ''));
  const next =
    r.IsTruncated && r.NextKeyMarker && r.NextKeyMarker <= p.key
      ? { keyMarker: r.NextKeyMarker, ...(r.NextVersionIdMarker ? { versionIdMarker: r.NextVersionIdMarker } : {}) }
      : undefined;
  return { versions, ...(next ? { next } : {}) };
}

/** Batch delete in chunks of 1000 (the S3 limit). */
export async function deleteKeys(
  s3: S3Client,
  bucket: string,
  keys: string[],
  signal?: AbortSignal,
  onProgress?: (done: number) => void,
): Promise<{ deleted: number; errors: { key: string; code: string; message: string }[] }> {
  let deleted = 0;
  const errors: { key: string; code: string; message: string }[] = [];
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    const r = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: false } }),
      { abortSignal: signal },
    );
    deleted += r.Deleted?.length ?? 0;
    for (const e of r.Errors ?? []) errors.push({ key: e.Key ?? '', code: e.Code ?? 'Error', message: e.Message ?? '' });
    onProgress?.(Math.min(keys.length, i + chunk.length));
  }
  return { deleted, errors };
}

export async function getObjectStream(
  s3: S3Client,
  p: { bucket: string; key: string; versionId?: string },
  signal?: AbortSignal,
) {
  const r = await s3.send(new GetObjectCommand({ Bucket: p.bucket, Key: p.key, VersionId: p.versionId }), {
    abortSignal: signal,
  });
  return r;
}
