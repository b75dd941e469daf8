import { useState } from 'react';
import type { AppErrorShape, Vault } from '../../../shared/contract';
import { errorShape } from '../../client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { JobProgress } from '../../components/JobProgress';
import { countOf, formatBytes, formatCount, formatDate } from '../../format';
import { useJobs } from '../../store/jobs';
import { useProfiles } from '../../store/profiles';
import { useVault } from '../../store/vault';
import { pushResult, startPush, usePushJobs } from './actions';
import { ExportIdentityDialog } from './ExportIdentityDialog';
import { PruneDialog } from './PruneDialog';
import { RestoreDialog } from './RestoreDialog';
import { VaultError } from './VaultError';

type Modal = 'restore' | 'prune' | 'forget' | 'export' | null;

/** The vault's configuration at a glance, Push (with its progress and outcome), and vault-wide actions. */
export function VaultHeader({ vault, onEdit }: { vault: Vault; onEdit: () => void }) {
  const profile = useProfiles((s) => s.profiles.find((p) => p.id === vault.profileId));
  const jobId = usePushJobs((s) => s.byVault[vault.id]);
  const job = useJobs((s) => (jobId ? s.jobs[jobId] : undefined));
  const hasLatest = useVault((s) => !!s.history?.latest);
  const [startError, setStartError] = useState<AppErrorShape | null>(null);
  const [modal, setModal] = useState<Modal>(null);
  const running = job?.status === 'running';

  const push = async () => {
    setStartError(null);
    try {
      await startPush(vault);
    } catch (err) {
      setStartError(errorShape(err));
    }
  };
  const dismiss = () => usePushJobs.setState((s) => ({ byVault: Object.fromEntries(Object.entries(s.byVault).filter(([k]) => k !== vault.id)) }));

  return (
    <section className="card vault-head" aria-label={`Vault ${vault.name}`} data-testid="vault-header">
      <div className="row gap">
        <h2 data-testid="vault-name">{vault.name}</h2>
        <span className="pill">{vault.keyKind === 'passphrase' ? 'passphrase' : 'X25519 identity'}</span>
        {!vault.hasSecret ? <span className="pill pill-failed">no secret stored — edit to add it</span> : null}
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => void push()} disabled={running} data-testid="vault-push">
          {running ? 'Pushing…' : 'Push now'}
        </button>
        <button type="button" onClick={() => setModal('restore')} disabled={!hasLatest} data-testid="vault-restore-latest">
          Restore latest…
        </button>
        <button type="button" onClick={() => setModal('prune')} data-testid="vault-prune">
          Prune…
        </button>
        {vault.keyKind === 'x25519' && vault.hasSecret ? (
          <button type="button" onClick={() => setModal('export')} data-testid="vault-export-identity">
            Export identity…
          </button>
        ) : null}
        <button type="button" onClick={onEdit} data-testid="vault-edit">
          Edit
        </button>
        <button type="button" className="danger" onClick={() => setModal('forget')}>
          Forget
        </button>
      </div>
      <dl className="kv vault-kv">
        <dt>In S3</dt>
        <dd className="breakall">
          <code>
            s3://{vault.bucket}/{vault.prefix}/vault/
          </code>{' '}
          <span className="muted">via {profile?.name ?? vault.profileId}</span>
        </dd>
        <dt>Local folder</dt>
        <dd className="breakall">
          <code data-testid="vault-local-dir">{vault.localDir}</code>
        </dd>
        <dt>Retention</dt>
        <dd>{formatCount(vault.retention)} versions</dd>
        {vault.recipients.length ? (
          <>
            <dt>Recipients</dt>
            <dd className="breakall">
              {vault.recipients.map((r) => (
                <code key={r} className="recipient">
                  {r}
                </code>
              ))}
            </dd>
          </>
        ) : null}
        <dt>Last push</dt>
        <dd>{vault.lastPush ? `${vault.lastPush.status === 'unchanged' ? 'unchanged' : 'pushed'} · ${formatDate(vault.lastPush.at)}` : 'never from this app'}</dd>
      </dl>
      {startError ? <VaultError error={startError} what="Push not started" /> : null}
      {jobId && job ? (
        <div className="push-status" data-testid="push-status" data-status={job.status}>
          {job.status === 'running' || job.status === 'cancelled' ? <JobProgress jobId={jobId} /> : null}
          {job.status === 'succeeded' ? <PushOutcome result={pushResult(job)} /> : null}
          {job.status === 'failed' && job.error ? <VaultError error={job.error} what="Push failed" /> : null}
          {job.status === 'cancelled' ? <p className="muted small">Cancelled: latest and the history are as they were; the partial upload was aborted.</p> : null}
          {job.status !== 'running' ? (
            <button type="button" className="icon" aria-label="Dismiss" onClick={dismiss}>
              ×
            </button>
          ) : null}
        </div>
      ) : null}
      {modal === 'restore' ? <RestoreDialog vault={vault} source={{ kind: 'latest' }} label="latest" onClose={() => setModal(null)} /> : null}
      {modal === 'prune' ? <PruneDialog vault={vault} onClose={() => setModal(null)} /> : null}
      {modal === 'forget' ? <ForgetDialog vault={vault} onClose={() => setModal(null)} /> : null}
      {modal === 'export' ? <ExportIdentityDialog vault={vault} onClose={() => setModal(null)} /> : null}
    </section>
  );
}

function PushOutcome({ result }: { result: ReturnType<typeof pushResult> }) {
  if (!result) return <p className="ok-text">Pushed.</p>;
  const what = `${countOf(result.files, 'file')}, ${formatBytes(result.plainSize)}`;
  // what the pack skipped (special files, links a restore would refuse): said on every push
  const warnings = result.warnings.length ? (
    <ul className="warnings">
      {result.warnings.map((w) => (
        <li key={w}>{w}</li>
      ))}
    </ul>
  ) : null;
  return result.status === 'unchanged' ? (
    <div className="push-outcome unchanged" data-testid="push-result" data-status="unchanged">
      <strong>Unchanged</strong> — the folder matches the latest version ({what}); nothing was uploaded.
      {warnings}
    </div>
  ) : (
    <div className="push-outcome pushed" data-testid="push-result" data-status="pushed" data-version={result.versionId ?? ''}>
      <strong>Pushed</strong> version <code>{result.versionId ?? '?'}</code> ({what})
      {result.pruned ? ` · ${result.pruned} old version${result.pruned === 1 ? '' : 's'} pruned` : ''}
      {warnings}
    </div>
  );
}

function ForgetDialog({ vault, onClose }: { vault: Vault; onClose: () => void }) {
  return (
    <ConfirmDialog
      title="Forget vault"
      confirmLabel="Forget vault"
      onClose={onClose}
      onConfirm={() => {
        onClose();
        void useVault.getState().remove(vault.id);
      }}
    >
      <p>
        Forget <strong>{vault.name}</strong> and its stored {vault.keyKind === 'passphrase' ? 'passphrase' : 'identity'}? Nothing in
        the bucket and nothing in <code>{vault.localDir}</code> is touched; you can add the vault again later.
      </p>
    </ConfirmDialog>
  );
}
