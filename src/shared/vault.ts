// Vault (TazPod) part of the contract: zod schemas and the calls. No runtime deps beyond zod.
// Additive changes only once the view uses a field: the renderer and CLI read these shapes.
import { z } from 'zod';
import { call } from './call';
import { Id, JobRef, TargetFields, TargetInputFields } from './schemas';
/** A history version's id: the timestamp part of its key, e.g. 20261121T101500 or 20261121T101500-2. */
export const VersionId = z.string().regex(/^[0-9]{8}T[0-9]{6}(-[0-9]{1,4})?$/, 'version id like 20261121T101500');
export const SlotName = z.enum(['a', 'b']);
export type SlotName = z.infer<typeof SlotName>;
const VaultRef = z.object({ vaultId: Id }).strict();

// ---------- configuration ----------
/** How the vault is encrypted (age v1): a passphrase (scrypt) or X25519 identity + recipients. */
export const VaultKeyInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('passphrase'), passphrase: z.string().min(1).max(1024).optional() }).strict(),
  z
    .object({
      kind: z.literal('x25519'),
      /** AGE-SECRET-KEY-1... (or the text of an age identity file). Omit to keep the stored one. */
      identity: z.string().max(64 * 1024).optional(),
      /** Create a new identity instead of pasting one. */
      generate: z.boolean().optional(),
      /** Extra age1... recipients that can also decrypt (the identity's own is always added). */
      recipients: z.array(z.string().regex(/^age1[0-9a-z]{58}$/, 'recipient like age1...')).max(64).optional(),
    })
    .strict(),
]);

export const VaultInput = z
  .object({
    ...TargetInputFields,
    prefix: z.string().max(512).regex(/^[^/].*[^/]$|^[^/]$/, 'prefix without leading or trailing /').default('tazpod'),
    localDir: z.string().min(1, 'pick a local folder').max(4096),
    retention: z.number().int().min(1).max(100000).default(50),
    key: VaultKeyInput,
  })
  .strict();
export type VaultInput = z.input<typeof VaultInput>;

export const Vault = z.object({
  ...TargetFields,
  retention: z.number(),
  keyKind: z.enum(['passphrase', 'x25519']),
  /** The secret (passphrase or identity) is in the SecretStore; never returned. */
  hasSecret: z.boolean(),
  /** For x25519: the public recipients (safe to show and copy). */
  recipients: z.array(z.string()),
  createdAt: z.string(),
  lastPush: z
    .object({ at: z.string(), status: z.enum(['pushed', 'unchanged']), sha256: z.string(), versionId: VersionId.optional() })
    .optional(),
});
export type Vault = z.infer<typeof Vault>;

// ---------- history ----------
export const SlotInfo = z.object({ slot: SlotName, historyKey: z.string(), versionId: VersionId, sha256: z.string(), setAt: z.string() });
export type SlotInfo = z.infer<typeof SlotInfo>;

export const VaultVersion = z.object({
  versionId: VersionId,
  key: z.string(),
  /** UTC time from the key. */
  at: z.string(),
  /** Ciphertext size in S3. */
  size: z.number(),
  /** Whether an encrypted manifest exists next to it (browse/diff need one). */
  hasManifest: z.boolean(),
});
export type VaultVersion = z.infer<typeof VaultVersion>;

export const VaultHistoryInput = z
  .object({ vaultId: Id, cursor: z.string().max(256).optional(), limit: z.number().int().min(1).max(10000).default(1000) })
  .strict();
export const VaultHistoryPage = z.object({
  /** Newest first. */
  versions: z.array(VaultVersion),
  nextCursor: z.string().optional(),
  total: z.number(),
  latest: z.object({ sha256: z.string().optional(), size: z.number(), lastModified: z.string().optional(), versionId: VersionId.optional() }).nullable(),
  slots: z.object({ a: SlotInfo.nullable(), b: SlotInfo.nullable() }),
});
export type VaultHistoryPage = z.infer<typeof VaultHistoryPage>;

export const ManifestEntry = z.object({
  path: z.string(),
  type: z.enum(['file', 'dir', 'symlink']),
  size: z.number(),
  mode: z.number(),
  mtime: z.string(),
  sha256: z.string().optional(),
  linkTarget: z.string().optional(),
});
export type ManifestEntry = z.infer<typeof ManifestEntry>;

export const VaultVersionDetails = VaultVersion.extend({
  sha256: z.string(),
  plainSize: z.number(),
  files: z.number(),
  entries: z.array(ManifestEntry),
});
export type VaultVersionDetails = z.infer<typeof VaultVersionDetails>;

export const VaultDiffInput = z.object({ vaultId: Id, from: VersionId, to: VersionId }).strict();
export const VaultDiff = z.object({
  from: VersionId,
  to: VersionId,
  added: z.array(ManifestEntry),
  removed: z.array(ManifestEntry),
  changed: z.array(z.object({ path: z.string(), before: ManifestEntry, after: ManifestEntry })),
  unchanged: z.number(),
});
export type VaultDiff = z.infer<typeof VaultDiff>;

export const VaultFileHistoryInput = z.object({ vaultId: Id, path: z.string().min(1).max(4096) }).strict();
export const VaultFileHistory = z.object({
  path: z.string(),
  /** Newest first: the versions where this path was added, changed or removed. */
  changes: z.array(
    z.object({ versionId: VersionId, at: z.string(), change: z.enum(['added', 'changed', 'removed']), size: z.number().optional(), sha256: z.string().optional() }),
  ),
});
export type VaultFileHistory = z.infer<typeof VaultFileHistory>;

// ---------- actions ----------
export const VaultSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('latest') }).strict(),
  z.object({ kind: z.literal('version'), versionId: VersionId }).strict(),
  z.object({ kind: z.literal('slot'), slot: SlotName }).strict(),
]);
export type VaultSource = z.infer<typeof VaultSource>;

export const VaultPushResult = z.object({
  status: z.enum(['pushed', 'unchanged']),
  sha256: z.string(),
  plainSize: z.number(),
  files: z.number(),
  versionId: VersionId.optional(),
  pruned: z.number(),
  warnings: z.array(z.string()),
});
export type VaultPushResult = z.infer<typeof VaultPushResult>;

export const VaultRestoreInput = z
  .object({
    vaultId: Id,
    source: VaultSource,
    /** Default: a new folder; an existing non-empty folder needs overwrite (staged swap). */
    target: z.string().min(1).max(4096),
    /** Restore only these paths (files or folders); omit for all. */
    paths: z.array(z.string().min(1).max(4096)).max(100000).optional(),
    overwrite: z.boolean().default(false),
  })
  .strict();
export const VaultRestoreResult = z.object({ target: z.string(), files: z.number(), bytes: z.number(), sha256: z.string(), warnings: z.array(z.string()) });
export type VaultRestoreResult = z.infer<typeof VaultRestoreResult>;

export const VaultPrunePreview = z.object({ retention: z.number(), keep: z.number(), delete: z.array(VaultVersion) });
export type VaultPrunePreview = z.infer<typeof VaultPrunePreview>;

export const vaultCalls = {
  'vault.list': call(z.object({}).strict(), z.array(Vault)),
  'vault.save': call(VaultInput, Vault),
  /** Forgets the configuration and its secret; never touches S3 or the local folder. */
  'vault.delete': call(VaultRef, z.object({ ok: z.literal(true) })),
  /** Job; result VaultPushResult. */
  'vault.push': call(VaultRef, JobRef),
  'vault.history': call(VaultHistoryInput, VaultHistoryPage),
  'vault.version': call(z.object({ vaultId: Id, versionId: VersionId }).strict(), VaultVersionDetails),
  'vault.diff': call(VaultDiffInput, VaultDiff),
  'vault.fileHistory': call(VaultFileHistoryInput, VaultFileHistory),
  /** Job; result VaultRestoreResult. */
  'vault.restore': call(VaultRestoreInput, JobRef),
  'vault.promote': call(z.object({ vaultId: Id, versionId: VersionId }).strict(), z.object({ sha256: z.string() })),
  'vault.setSlot': call(z.object({ vaultId: Id, slot: SlotName, versionId: VersionId }).strict(), SlotInfo),
  'vault.prunePreview': call(z.object({ vaultId: Id, retention: z.number().int().min(1).max(100000).optional() }).strict(), VaultPrunePreview),
  'vault.prune': call(z.object({ vaultId: Id, retention: z.number().int().min(1).max(100000).optional() }).strict(), z.object({ deleted: z.number() })),
  /**
   * Writes an X25519 vault's identity as an age identity file at `path` (absolute, never
   * overwritten, mode 600), for `age -d -i`. The secret itself is never returned.
   */
  'vault.exportIdentity': call(z.object({ vaultId: Id, path: z.string().min(1).max(4096) }).strict(), z.object({ path: z.string(), recipients: z.array(z.string()) })),
} as const;
