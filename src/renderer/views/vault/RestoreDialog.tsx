import { useEffect, useState } from 'react';
import type { AppErrorShape, Vault, VaultSource } from '../../../shared/contract';
import { errorShape } from '../../client';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { JobProgress } from '../../components/JobProgress';
import { formatBytes, formatCount } from '../../format';
import { useJobs } from '../../store/jobs';
import { defaultRestoreTarget, restoreResult, startRestore } from './actions';
import { FolderPicker } from './FolderPicker';
import { VaultError } from './VaultError';

interface Props {
  vault: Vault;
  source: VaultSource;
  /** How the source reads in titles and the default folder name ("latest", a version id). */
  label: string;
  /** Only these paths; undefined = everything. */
  paths?: string[] | undefined;
  onClose: () => void;
}

/** Restore into a new folder (default) or, with an explicit confirmation, over an existing one; progress and cancel. */
export function RestoreDialog({ vault, source, label, paths, onClose }: Props) {
  const [target, setTarget] = useState(() => defaultRestoreTarget(vault.localDir, label));
  const [overwrite, setOverwrite] = useState(false);
  const [browse, setBrowse] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);
  const job = useJobs((s) => (jobId ? s.jobs[jobId] : undefined));
  const result = restoreResult(job);

  // "the folder is not empty" comes back from the job: back to the form, so the user can pick
  // another folder or confirm the overwrite
  useEffect(() => {
    if (job?.status === 'failed' && (job.error?.code === 'CONFIRM_REQUIRED' || job.error?.code === 'CONFLICT')) {
      setError(job.error);
      setJobId(null);
    }
  }, [job]);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      setJobId(await startRestore(vault, source, target.trim(), paths, overwrite));
    } catch (err) {
      setError(errorShape(err));
    } finally {
      setBusy(false);
    }
  };

  const what = paths ? `${formatCount(paths.length)} selected item${paths.length === 1 ? '' : 's'}` : 'all files';
  const footer = jobId ? (
    <button type="button" onClick={onClose} data-testid="restore-close">
      {job?.status === 'running' ? 'Continue in background' : 'Close'}
    </button>
  ) : (
    <>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      <button
        type="button"
        className={overwrite ? 'danger' : 'primary'}
        disabled={!target.trim() || busy}
        onClick={() => void start()}
        data-testid="restore-start"
      >
        {busy ? 'Starting…' : overwrite ? `Overwrite ${target.trim() || 'folder'}` : `Restore ${what}`}
      </button>
    </>
  );

  return (
    <Dialog title={`Restore ${what} from ${label}`} onClose={onClose} footer={footer} wide testId="restore-dialog">
      {jobId ? (
        <>
          <p className="wrap-anywhere">
            Restoring into <code>{target}</code>. Everything is decrypted and checked against the version's SHA-256 in a staging
            folder first; nothing appears in the target unless it all verifies.
          </p>
          {job?.status === 'failed' && job.error ? <VaultError error={job.error} what="Restore failed" /> : <JobProgress jobId={jobId} />}
          {result ? (
            <p className="ok-text" data-testid="restore-result">
              Restored {formatCount(result.files)} file{result.files === 1 ? '' : 's'} ({formatBytes(result.bytes)}) into{' '}
              <code>{result.target}</code>
            </p>
          ) : null}
          {result?.warnings.length ? (
            <ul className="warnings">
              {result.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          ) : null}
        </>
      ) : (
        <>
          {paths ? (
            <ul className="keylist small" data-testid="restore-paths">
              {paths.slice(0, 20).map((p) => (
                <li key={p}>
                  <code>{p}</code>
                </li>
              ))}
              {paths.length > 20 ? <li className="muted">…and {paths.length - 20} more</li> : null}
            </ul>
          ) : null}
          <Field label="Restore into" hint={overwrite ? 'This folder’s contents are replaced.' : 'A new folder is created; it must not exist yet (or be empty).'}>
            <input value={target} onChange={(e) => setTarget(e.target.value)} spellCheck={false} data-testid="restore-target" />
          </Field>
          <div className="row gap">
            <button type="button" className="small" onClick={() => setBrowse(!browse)} aria-expanded={browse}>
              {browse ? 'Hide folders' : 'Browse…'}
            </button>
            <button type="button" className="small" onClick={() => setTarget(defaultRestoreTarget(vault.localDir, label))}>
              New folder next to the vault’s
            </button>
            <button type="button" className="small" onClick={() => setTarget(vault.localDir)}>
              The vault’s own folder
            </button>
          </div>
          {browse ? <FolderPicker start={target} onPick={(p) => setTarget(p)} /> : null}
          <label className="check overwrite-check">
            <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} data-testid="restore-overwrite" />
            <span>
              <strong>Overwrite</strong> an existing folder: its current contents are replaced by the restored files (staged: extracted
              and verified aside, then swapped in).
            </span>
          </label>
        </>
      )}
      {error ? <VaultError error={error} what="Restore not started" /> : null}
      {error?.code === 'CONFIRM_REQUIRED' || error?.code === 'CONFLICT' ? (
        <p className="small">Pick a new folder, or tick “Overwrite” to replace the contents of this one.</p>
      ) : null}
    </Dialog>
  );
}
