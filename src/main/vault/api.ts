// The vault part of the contract, over the services in this folder.
import type { HandlersOf } from '../api-types';
import type { Core } from '../core';
import type { VaultCtx } from './context';
import { diffVersions, fileHistory, historyPage, invalidate, promote, prune, prunePreview, setSlot, versionDetails } from './history';
import { exportIdentity } from './identity-file';
import { pushVault } from './push';
import { restoreVault } from './restore';
import { vaultStore, type StoredVault } from './store';

/** The operating context of a saved vault (client from its profile, key from the SecretStore). */
export async function savedVaultCtx(core: Core, idOrName: string): Promise<{ vault: StoredVault; v: VaultCtx }> {
  const store = vaultStore(core);
  const vault = await store.get(idOrName);
  const [{ client }, key] = await Promise.all([core.client(vault.profileId), store.key(vault)]);
  return {
    vault,
    v: { s3: client, key, bucket: vault.bucket, prefix: vault.prefix, localDir: vault.localDir, retention: vault.retention, cacheId: `saved:${vault.id}`, hash: () => core.hash },
  };
}

/** Runs a push of a saved vault as a job; records the outcome on the vault. */
export async function startPush(core: Core, idOrName: string, opts?: { now?: Date }): Promise<{ jobId: string }> {
  const { vault, v } = await savedVaultCtx(core, idOrName);
  return core.jobs.start('vault.push', `Push vault ${vault.name}`, async (ctx) => {
    const r = await pushVault(v, ctx, opts);
    await vaultStore(core).setLastPush(vault.id, { at: new Date().toISOString(), status: r.status, sha256: r.sha256, ...(r.versionId ? { versionId: r.versionId } : {}) });
    return r;
  });
}

export function vaultHandlers(core: Core): HandlersOf<'vault'> {
  const store = vaultStore(core);
  const ctxOf = async (vaultId: string) => (await savedVaultCtx(core, vaultId)).v;
  return {
    'vault.list': () => store.list(),
    'vault.save': (input) => store.save(input),
    'vault.delete': async ({ vaultId }) => {
      await store.delete(vaultId);
      return { ok: true as const };
    },
    'vault.push': ({ vaultId }) => startPush(core, vaultId),
    'vault.history': async ({ vaultId, cursor, limit }) => historyPage(await ctxOf(vaultId), { ...(cursor ? { cursor } : {}), limit }),
    'vault.version': async ({ vaultId, versionId }) => versionDetails(await ctxOf(vaultId), versionId),
    'vault.diff': async ({ vaultId, from, to }) => diffVersions(await ctxOf(vaultId), from, to),
    'vault.fileHistory': async ({ vaultId, path }) => fileHistory(await ctxOf(vaultId), path),
    'vault.restore': async ({ vaultId, source, target, paths, overwrite }) => {
      const { vault, v } = await savedVaultCtx(core, vaultId);
      const what = source.kind === 'latest' ? 'latest' : source.kind === 'version' ? source.versionId : `slot-${source.slot}`;
      return core.jobs.start('vault.restore', `Restore ${vault.name} (${what})`, (ctx) =>
        restoreVault(v, { source, target, overwrite, ...(paths ? { paths } : {}) }, ctx),
      );
    },
    'vault.promote': async ({ vaultId, versionId }) => {
      const v = await ctxOf(vaultId);
      const r = await promote(v, versionId);
      invalidate(v);
      return r;
    },
    'vault.setSlot': async ({ vaultId, slot, versionId }) => setSlot(await ctxOf(vaultId), slot, versionId),
    'vault.prunePreview': async ({ vaultId, retention }) => {
      const { vault, v } = await savedVaultCtx(core, vaultId);
      return prunePreview(v, retention ?? vault.retention);
    },
    'vault.prune': async ({ vaultId, retention }) => {
      const { vault, v } = await savedVaultCtx(core, vaultId);
      return prune(v, retention ?? vault.retention);
    },
    'vault.exportIdentity': ({ vaultId, path }) => exportIdentity(core, vaultId, path),
  };
}
