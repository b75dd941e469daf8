// The few S3 calls the vault needs beyond s3/objects.ts: server-side copies (multipart above
// 5 GiB), small object get/put, and cleaning up what a killed push left behind.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { toAppError } from '../errors';
import { getObjectStream } from '../s3/objects';

/** CopyObject's limit; above it the copy is a multipart upload of UploadPartCopy ranges. */
export const COPY_LIMIT = 5 * 1024 ** 3;
const COPY_PART = 512 * 1024 ** 2;

const copySource = (bucket: string, key: string) => `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

/**
 * Server-side copy of `from` onto `to` in one bucket. `metadata` replaces the source's user
 * metadata; without it the metadata is copied. Objects over `limit` (5 GiB) are copied in parts.
 */
export async function serverCopy(
  s3: S3Client,
  p: { bucket: string; from: string; to: string; metadata?: Record<string, string>; limit?: number; partSize?: number },
  signal?: AbortSignal,
): Promise<void> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: p.bucket, Key: p.from }), { abortSignal: signal });
  const size = head.ContentLength ?? 0;
  const ContentType = head.ContentType ?? 'application/octet-stream';
  if (size <= (p.limit ?? COPY_LIMIT)) {
    await s3.send(
      new CopyObjectCommand({
        Bucket: p.bucket,
        Key: p.to,
        CopySource: copySource(p.bucket, p.from),
        ...(p.metadata ? { MetadataDirective: 'REPLACE', Metadata: p.metadata, ContentType } : { MetadataDirective: 'COPY' }),
      }),
      { abortSignal: signal },
    );
    return;
  }
  const partSize = Math.max(p.partSize ?? COPY_PART, Math.ceil(size / 10000));
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: p.bucket, Key: p.to, ContentType, Metadata: p.metadata ?? head.Metadata }),
    { abortSignal: signal },
  );
  try {
    const parts: { ETag: string; PartNumber: number }[] = [];
    for (let start = 0, n = 1; start < size; start += partSize, n++) {
      const end = Math.min(size, start + partSize) - 1;
      const r = await s3.send(
        new UploadPartCopyCommand({ Bucket: p.bucket, Key: p.to, UploadId, PartNumber: n, CopySource: copySource(p.bucket, p.from), CopySourceRange: `bytes=${start}-${end}` }),
        { abortSignal: signal },
      );
      parts.push({ ETag: r.CopyPartResult?.ETag ?? '', PartNumber: n });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: p.bucket, Key: p.to, UploadId, MultipartUpload: { Parts: parts } }), { abortSignal: signal });
  } catch (e) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: p.bucket, Key: p.to, UploadId })).catch(() => undefined);
    throw e;
  }
}

export async function getBytes(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<{ body: Buffer; metadata: Record<string, string> }> {
  const r = await getObjectStream(s3, { bucket, key }, signal);
  const bytes = await r.Body?.transformToByteArray();
  return { body: Buffer.from(bytes ?? new Uint8Array()), metadata: r.Metadata ?? {} };
}

/** GET that answers undefined for a missing key. */
export async function getBytesIfExists(s3: S3Client, bucket: string, key: string, signal?: AbortSignal) {
  try {
    return await getBytes(s3, bucket, key, signal);
  } catch (e) {
    if (toAppError(e).code === 'NOT_FOUND' && !/bucket/.test(toAppError(e).message)) return undefined;
    throw e;
  }
}

export async function putBytes(s3: S3Client, p: { bucket: string; key: string; body: Uint8Array; contentType: string; metadata?: Record<string, string> }, signal?: AbortSignal) {
  await s3.send(new PutObjectCommand({ Bucket: p.bucket, Key: p.key, Body: p.body, ContentType: p.contentType, ...(p.metadata ? { Metadata: p.metadata } : {}) }), { abortSignal: signal });
}

/**
 * What a killed push leaves: multipart uploads under the vault root (a kill -9 cannot abort its
 * own). Called at the start of every push, so one vault has one pusher at a time: a push running
 * elsewhere at that moment fails (safely: latest only ever changes by a server-side copy of a
 * complete history version). Endpoints without ListMultipartUploads (s3rver) skip this.
 */
export async function cleanupStale(s3: S3Client, bucket: string, root: string, signal?: AbortSignal): Promise<{ aborted: number }> {
  let aborted = 0;
  try {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: root, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }), { abortSignal: signal });
      for (const u of r.Uploads ?? []) {
        if (!u.Key || !u.UploadId) continue;
        await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }), { abortSignal: signal });
        aborted++;
      }
      keyMarker = r.IsTruncated ? r.NextKeyMarker : undefined;
      uploadIdMarker = r.IsTruncated ? r.NextUploadIdMarker : undefined;
    } while (keyMarker);
  } catch (e) {
    const err = toAppError(e);
    if (err.code === 'CANCELLED') throw err;
    if (!/NotImplemented|MethodNotAllowed|HTTP 40[05]|HTTP 501/.test(`${err.message} ${err.detail ?? ''}`)) throw err;
  }
  return { aborted };
}
