// Vault actions: push / restore jobs (tracked in the jobs store), history operations, and how
// vault errors read to a user.
import { create } from 'zustand';
import type { AppErrorShape, JobInfo, Vault, VaultPushResult, VaultRestoreResult, VaultSource } from '../../../shared/contract';
import { call } from '../../client';
import { countOf } from '../../format';
import { useApp } from '../../store/app';
import { useJobs, whenFinished } from '../../store/jobs';
import { toast } from '../../store/toasts';
import { useVault } from '../../store/vault';

/** The push job of each vault (the header shows it, also after switching vaults and back). */
export const usePushJobs = create<{ byVault: Record<string, string> }>()(() => ({ byVault: {} }));

function refreshAfter(vaultId: string): void {
  const s = useVault.getState();
  void s.load();
  if (s.selectedId === vaultId) void s.loadHistory();
}

/** Starts vault.push; returns the job id (throws if the call fails). */
export async function startPush(vault: Vault): Promise<string> {
  const { jobId } = await call('vault.push', { vaultId: vault.id });
  useJobs.getState().track(jobId, 'vault.push', `Push vault ${vault.name}`);
  usePushJobs.setState((s) => ({ byVault: { ...s.byVault, [vault.id]: jobId } }));
  void whenFinished(jobId).then((end) => {
    refreshAfter(vault.id);
    // the vault's header shows the outcome; a toast only when the user is elsewhere
    if (useApp.getState().view === 'vault' && useVault.getState().selectedId === vault.id) return;
    const r = pushResult(end);
    if (r?.status === 'unchanged') toast.info(`${vault.name}: unchanged`, 'the folder matches the latest version; nothing was uploaded');
    else if (r) toast.success(`${vault.name}: pushed`, r.versionId ? `version ${r.versionId}` : '');
    else if (end.status === 'failed' && end.error) toast.error(`Push of ${vault.name} failed`, end.error);
  });
  return jobId;
}

/** Starts vault.restore; returns the job id. */
export async function startRestore(vault: Vault, source: VaultSource, target: string, paths: string[] | undefined, overwrite: boolean): Promise<string> {
  const { jobId } = await call('vault.restore', { vaultId: vault.id, source, target, overwrite, ...(paths ? { paths } : {}) });
  const what = paths ? `${paths.length} item${paths.length === 1 ? '' : 's'}` : 'all files';
  useJobs.getState().track(jobId, 'vault.restore', `Restore ${what} of ${vault.name}`);
  void whenFinished(jobId).then((end) => {
    const r = restoreResult(end);
    if (r) toast.success('Restore complete', `${countOf(r.files, 'file')} into ${r.target}`);
    // "not empty, confirm overwrite" is answered in the restore dialog
    else if (end.status === 'failed' && end.error && end.error.code !== 'CONFIRM_REQUIRED') toast.error('Restore failed', end.error);
  });
  return jobId;
}

export async function promote(vault: Vault, versionId: string): Promise<void> {
  await call('vault.promote', { vaultId: vault.id, versionId });
  toast.success('Latest updated', `${vault.name} now restores ${versionId} by default`);
  refreshAfter(vault.id);
}

export async function setSlot(vault: Vault, slot: 'a' | 'b', versionId: string): Promise<void> {
  await call('vault.setSlot', { vaultId: vault.id, slot, versionId });
  toast.success(`Slot ${slot.toUpperCase()} set`, versionId);
  refreshAfter(vault.id);
}

export async function prune(vault: Vault, retention: number): Promise<number> {
  const { deleted } = await call('vault.prune', { vaultId: vault.id, retention });
  refreshAfter(vault.id);
  return deleted;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** The push job's result, once it succeeded. */
export function pushResult(job: JobInfo | undefined): VaultPushResult | null {
  const r = job?.status === 'succeeded' ? job.result : undefined;
  return isObject(r) && (r.status === 'pushed' || r.status === 'unchanged') && typeof r.sha256 === 'string' ? (r as VaultPushResult) : null;
}

/** The restore job's result, once it succeeded. */
export function restoreResult(job: JobInfo | undefined): VaultRestoreResult | null {
  const r = job?.status === 'succeeded' ? job.result : undefined;
  return isObject(r) && typeof r.target === 'string' && typeof r.files === 'number' ? (r as VaultRestoreResult) : null;
}

/** A heading for a vault error, in the user's words. */
export function errorTitle(e: AppErrorShape): string {
  switch (e.code) {
    case 'WRONG_KEY':
      return 'Wrong passphrase or identity — nothing was decrypted or written';
    case 'CORRUPTED':
      return 'Vault corrupted or tampered — nothing was written';
    case 'UNAVAILABLE':
      return 'Not available on this endpoint';
    case 'NOT_FOUND':
      return 'Not found';
    case 'CONFIRM_REQUIRED':
      return 'Needs confirmation';
    case 'ACCESS_DENIED':
    case 'INVALID_CREDENTIALS':
      return 'The profile cannot access this bucket';
    case 'ENDPOINT_UNREACHABLE':
      return 'Endpoint unreachable';
    default:
      return 'Failed';
  }
}

/** "/home/me/vault" → "/home/me/vault-restore-20261121T101500" (a new folder next to the vault's). */
export function defaultRestoreTarget(localDir: string, label: string): string {
  const trimmed = localDir.replace(/[\\/]+$/, '') || localDir;
  return `${trimmed}-restore-${label}`;
}
