// The datastore lock (swamp's S3 lock; Terraform's use_lockfile is the model): one object,
// `<prefix>/.s3deck/lock` (or `<prefix>/<ns>/.s3deck/lock`), created with If-None-Match: *.
//   - heartbeat: renewed every TTL/3 with If-Match on its ETag (quoted or not, as the doctor found);
//     a failed renewal means the lock was broken: the sync is aborted.
//   - release: re-read, compare our random token, then DELETE. If-Match on DELETE is not portable,
//     so a residual race remains: if our lock expired and someone broke and re-took it between our
//     read and our DELETE, we delete their lock. Renewals every TTL/3 make that window theoretical.
//   - break: conditional on the ETag the user saw — the lock is first overwritten with If-Match
//     (a tombstone, so nobody can take it in between), then deleted. A live lock needs force.
//   - a lock left by a dead process of this host (kill -9) is broken automatically on acquire.
// Scope rule: a whole-datastore sync takes the root lock and then every namespace lock (sorted),
// a namespaced sync takes only its own: so neither can run while the other holds its lock.
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { DoctorResult } from '../../shared/contract';
import type { LockInfo } from '../../shared/datastore';
import { AppError, toAppError } from '../errors';
import { ifMatchValue } from '../s3/client-factory';
import { LOCK_DIR } from './scan';

export const LOCK_TTL_MS = 60_000;

export function lockKey(prefix: string, namespace: string | null): string {
  return [prefix, namespace, LOCK_DIR, 'lock'].filter(Boolean).join('/');
}

interface LockBody {
  owner: string;
  host: string;
  pid: number;
  token: string;
  acquiredAt: string;
  expiresAt: string;
}

/** Tokens of the locks this process holds, by bucket/key (LockInfo.mine). */
const held = new Map<string, string>();
const heldId = (bucket: string, key: string) => `${bucket}/${key}`;

function owner(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

const status = (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const isMissing = (e: unknown) => (e as { name?: string }).name === 'NoSuchKey' || status(e) === 404;
const isPrecondition = (e: unknown) => status(e) === 412 || (e as { name?: string }).name === 'PreconditionFailed';

export async function readLock(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<(LockInfo & { token: string }) | null> {
  try {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    const text = (await r.Body?.transformToString()) ?? '';
    let body: Partial<LockBody> = {};
    try {
      body = JSON.parse(text) as Partial<LockBody>;
    } catch {
      // unreadable: shown as an expired lock by "unknown" so it can be broken
    }
    const expiresAt = body.expiresAt ?? new Date(0).toISOString();
    const token = body.token ?? '';
    return {
      key,
      owner: body.owner ?? 'unknown',
      host: body.host ?? 'unknown',
      pid: body.pid ?? 0,
      acquiredAt: body.acquiredAt ?? expiresAt,
      expiresAt,
      etag: r.ETag ?? '',
      expired: Date.parse(expiresAt) <= Date.now(),
      mine: token !== '' && held.get(heldId(bucket, key)) === token,
      token,
    };
  } catch (e) {
    if (isMissing(e)) return null;
    throw toAppError(e, 'reading the lock');
  }
}

export const describeLock = (l: LockInfo) =>
  `locked by ${l.owner}@${l.host} (pid ${l.pid}) since ${l.acquiredAt}, ${l.expired ? 'expired' : 'expires'} ${l.expiresAt}`;

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export class HeldLock {
  private timer?: NodeJS.Timeout;
  private readonly lostController = new AbortController();
  /** Aborted if a renewal fails (the lock was broken): the sync must stop. */
  readonly lost = this.lostController.signal;

  constructor(
    private s3: S3Client,
    private doctor: DoctorResult | null,
    readonly bucket: string,
    readonly key: string,
    private body: LockBody,
    private etag: string,
    ttlMs: number,
  ) {
    held.set(heldId(bucket, key), body.token);
    this.timer = setInterval(() => void this.renew(ttlMs), Math.max(1000, Math.floor(ttlMs / 3)));
    this.timer.unref();
  }

  private async renew(ttlMs: number): Promise<void> {
    const body: LockBody = { ...this.body, expiresAt: new Date(Date.now() + ttlMs).toISOString() };
    try {
      const r = await this.s3.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.key, Body: JSON.stringify(body), IfMatch: ifMatchValue(this.etag, this.doctor) }),
      );
      this.body = body;
      if (r.ETag) this.etag = r.ETag;
    } catch (e) {
      if (isPrecondition(e) || isMissing(e)) {
        this.stop();
        this.lostController.abort(new AppError('LOCKED', `lost the lock ${this.key}: it was broken by someone else`));
      } // a network hiccup: try again at the next beat (the TTL leaves two more)
    }
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    held.delete(heldId(this.bucket, this.key));
  }

  async release(): Promise<void> {
    this.stop();
    const now = await readLock(this.s3, this.bucket, this.key).catch(() => null);
    if (now?.token !== this.body.token) return; // not ours any more: leave it
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key })).catch(() => undefined);
  }
}

export async function acquireLock(
  s3: S3Client,
  doctor: DoctorResult | null,
  bucket: string,
  key: string,
  opts: { ttlMs?: number; signal?: AbortSignal } = {},
): Promise<HeldLock> {
  const ttlMs = opts.ttlMs ?? LOCK_TTL_MS;
  for (let attempt = 0; attempt < 2; attempt++) {
    const now = Date.now();
    const body: LockBody = {
      owner: owner(),
      host: hostname(),
      pid: process.pid,
      token: randomBytes(16).toString('hex'),
      acquiredAt: new Date(now).toISOString(),
      expiresAt: new Date(now + ttlMs).toISOString(),
    };
    try {
      const r = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(body), IfNoneMatch: '*', ContentType: 'application/json' }), {
        abortSignal: opts.signal,
      });
      return new HeldLock(s3, doctor, bucket, key, body, r.ETag ?? '', ttlMs);
    } catch (e) {
      if (!isPrecondition(e) && status(e) !== 409) throw toAppError(e, 'taking the lock');
    }
    const cur = await readLock(s3, bucket, key, opts.signal);
    if (!cur) continue; // released in between: try once more
    if (attempt === 0 && cur.host === hostname() && cur.pid !== process.pid && cur.pid > 0 && processGone(cur.pid)) {
      await breakLock(s3, doctor, bucket, key, cur.etag, true).catch(() => undefined);
      continue;
    }
    throw new AppError('LOCKED', describeLock(cur), `lock object s3://${bucket}/${key}`);
  }
  throw new AppError('LOCKED', `could not take the lock s3://${bucket}/${key}: it keeps changing`);
}

/** Breaks a lock if it still has the ETag the caller saw; a live lock only with force. */
export async function breakLock(s3: S3Client, doctor: DoctorResult | null, bucket: string, key: string, etag: string, force: boolean): Promise<void> {
  const cur = await readLock(s3, bucket, key);
  if (!cur) throw new AppError('NOT_FOUND', `no lock at s3://${bucket}/${key}`);
  if (cur.etag.replace(/"/g, '') !== etag.replace(/"/g, ''))
    throw new AppError('CONFLICT', `the lock changed since you looked at it (${describeLock(cur)}); look again`);
  if (!cur.expired && !force) throw new AppError('CONFIRM_REQUIRED', `the lock is live (${describeLock(cur)}); breaking it needs force`);
  const tomb = JSON.stringify({ owner: 'broken', host: hostname(), pid: 0, token: '', acquiredAt: cur.acquiredAt, expiresAt: new Date(0).toISOString() });
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: tomb, IfMatch: ifMatchValue(cur.etag, doctor) }));
  } catch (e) {
    if (isPrecondition(e)) throw new AppError('CONFLICT', 'the lock changed while breaking it; look again');
    throw toAppError(e, 'breaking the lock');
  }
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/** Takes the locks of a scope in a fixed order; on failure releases what it took. */
export async function acquireScope(
  s3: S3Client,
  doctor: DoctorResult | null,
  bucket: string,
  keys: string[],
  signal?: AbortSignal,
): Promise<HeldLock[]> {
  const out: HeldLock[] = [];
  try {
    for (const k of keys) out.push(await acquireLock(s3, doctor, bucket, k, signal ? { signal } : {}));
    return out;
  } catch (e) {
    await Promise.all(out.map((l) => l.release()));
    throw e;
  }
}
