// What every vault operation works on: a client, where the vault lives, its key. Built from a
// saved vault (api.ts) or from CLI flags (cli.ts). Also the manifest format and its cache.
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ManifestEntry } from '../../shared/vault';
import { AppError, toAppError } from '../errors';
import type { HashPool } from '../workers/pool';
import { decryptBuffer, encryptBuffer, generateIdentity, parseIdentities, recipientOf, type AgeKey } from './age/index';
import { manifestKey, SHA_META, vaultRoot, VERSION_META, type VaultLocation } from './layout';
import { getBytesIfExists, putBytes } from './s3ops';

export interface VaultCtx extends VaultLocation {
  s3: S3Client;
  key: AgeKey;
  localDir: string;
  retention: number;
  /** Identifies the vault in the in-memory caches (saved id, or endpoint/bucket/prefix). */
  cacheId: string;
  /** The hash workers (created on first use); without them push hashes on the main thread. */
  hash?: () => HashPool;
}

export const MANIFEST_FORMAT = 's3deck.vault.manifest/1';
export const Manifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  versionId: z.string(),
  createdAt: z.string(),
  sha256: z.string(),
  plainSize: z.number(),
  files: z.number(),
  entries: z.array(ManifestEntry),
});
export type Manifest = z.infer<typeof Manifest>;

/** Decrypted manifests by `${cacheId}|${versionId}` (immutable once written); bounded. */
const manifests = new Map<string, Manifest>();
const MAX_CACHED = 2000;

/**
 * The key manifests are encrypted with. X25519 vaults use their own key. Passphrase vaults use
 * an X25519 identity kept next to the history, itself encrypted with the passphrase
 * (`<prefix>/vault/manifest-key.age`): otherwise every manifest would cost one scrypt derivation
 * (~1 s at age's work factor 18), and a file's history reads every manifest. With it, browsing
 * costs one derivation per session. Still plain age: `age -d manifest-key.age > k` then
 * `age -d -i k vault-<id>.manifest.aes`.
 */
async function manifestAgeKey(v: VaultCtx, create: boolean, signal?: AbortSignal): Promise<AgeKey | undefined> {
  if (v.key.kind === 'x25519') return v.key;
  const id = `${v.cacheId}|${createHash('sha256').update(v.key.passphrase).digest('hex')}`;
  const hit = manifestKeys.get(id);
  if (hit) return hit;
  const objKey = `${vaultRoot(v)}manifest-key.age`;
  let got = await getBytesIfExists(v.s3, v.bucket, objKey, signal);
  if (!got) {
    if (!create) return undefined;
    const body = await encryptBuffer(v.key, Buffer.from(`${generateIdentity().identity}\n`));
    // If-None-Match: a push elsewhere that created one first wins (endpoints that ignore the
    // header fall back to last-writer-wins; we re-read, so every manifest we write uses what is stored)
    await v.s3
      .send(new PutObjectCommand({ Bucket: v.bucket, Key: objKey, Body: body, ContentType: 'application/octet-stream', IfNoneMatch: '*' }), { abortSignal: signal })
      .catch((e: unknown) => {
        if (toAppError(e).code !== 'CONFLICT') throw e;
      });
    got = await getBytesIfExists(v.s3, v.bucket, objKey, signal);
    if (!got) throw new AppError('S3_ERROR', `${objKey} vanished right after it was written`);
  }
  const ids = parseIdentities((await decryptBuffer(v.key, got.body)).toString('utf8'));
  if (!ids.length) throw new AppError('CORRUPTED', `${objKey} holds no age identity`);
  const key: AgeKey = { kind: 'x25519', identities: ids, recipients: ids.map(recipientOf) };
  manifestKeys.set(id, key);
  return key;
}
const manifestKeys = new Map<string, AgeKey>();

export async function writeManifest(v: VaultCtx, m: Manifest, signal?: AbortSignal): Promise<void> {
  const key = (await manifestAgeKey(v, true, signal))!;
  const body = await encryptBuffer(key, Buffer.from(JSON.stringify(m)));
  await putBytes(v.s3, { bucket: v.bucket, key: manifestKey(v, m.versionId), body, contentType: 'application/octet-stream', metadata: { [SHA_META]: m.sha256, [VERSION_META]: m.versionId } }, signal);
  remember(`${v.cacheId}|${m.versionId}`, m);
}

/** The manifest of a version, or undefined when it has none. WRONG_KEY / CORRUPTED from age. */
export async function readManifest(v: VaultCtx, versionId: string, signal?: AbortSignal): Promise<Manifest | undefined> {
  const id = `${v.cacheId}|${versionId}`;
  const hit = manifests.get(id);
  if (hit) return hit;
  const got = await getBytesIfExists(v.s3, v.bucket, manifestKey(v, versionId), signal);
  if (!got) return undefined;
  const mk = await manifestAgeKey(v, false, signal);
  // manifests of passphrase vaults are encrypted to the manifest key; older ones (or ones another
  // tool wrote) to the vault key itself
  const plain = await decryptBuffer(mk ?? v.key, got.body).catch((e: unknown) => {
    if (mk && mk !== v.key && toAppError(e).code === 'WRONG_KEY') return decryptBuffer(v.key, got.body);
    throw e;
  });
  let parsed: Manifest;
  try {
    parsed = Manifest.parse(JSON.parse(plain.toString('utf8')));
  } catch (e) {
    throw new AppError('CORRUPTED', `the manifest of version ${versionId} is not readable`, toAppError(e).message);
  }
  remember(id, parsed);
  return parsed;
}

function remember(id: string, m: Manifest): void {
  if (manifests.size >= MAX_CACHED) manifests.delete(manifests.keys().next().value as string);
  manifests.set(id, m);
}
