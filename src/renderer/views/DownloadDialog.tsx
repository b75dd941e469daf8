import { useState } from 'react';
import type { AppErrorShape } from '../../shared/contract';
import { errorShape } from '../client';
import { Dialog } from '../components/Dialog';
import { ErrorText } from '../components/ErrorText';
import { JobProgress } from '../components/JobProgress';
import { baseName, joinLocal } from '../format';
import { useApp } from '../store/app';
import { useJobs } from '../store/jobs';
import { startDownload } from '../store/transfers';

/** objects.download to a local path (default: the Downloads folder), then follow the job. */
export function DownloadDialog({ objectKey, onClose }: { objectKey: string; onClose: () => void }) {
  const downloadsDir = useApp((s) => s.info?.downloadsDir);
  const [target, setTarget] = useState(() => (downloadsDir ? joinLocal(downloadsDir, baseName(objectKey)) : baseName(objectKey)));
  const [overwrite, setOverwrite] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);
  const running = useJobs((s) => (jobId ? s.jobs[jobId]?.status === 'running' : false));

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      setJobId(await startDownload(objectKey, target.trim(), overwrite));
    } catch (err) {
      setError(errorShape(err));
    } finally {
      setBusy(false);
    }
  };

  const footer = jobId ? (
    <button type="button" onClick={onClose}>
      {running ? 'Continue in background' : 'Close'}
    </button>
  ) : (
    <>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      <button type="button" className="primary" disabled={!target.trim() || busy} onClick={() => void start()} data-testid="download-start">
        {busy ? 'Starting…' : 'Download'}
      </button>
    </>
  );

  return (
    <Dialog title={`Download ${baseName(objectKey)}`} onClose={onClose} footer={footer} testId="download-dialog">
      {jobId ? (
        <>
          <p className="breakall">
            Saving to <code>{target}</code>; the content is verified against its recorded SHA-256 when there is one.
          </p>
          <JobProgress jobId={jobId} />
        </>
      ) : (
        <>
          <label className="field">
            <span>Save to</span>
            <input value={target} onChange={(e) => setTarget(e.target.value)} spellCheck={false} data-testid="download-target" />
          </label>
          <label className="check">
            <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
            Overwrite if the file exists
          </label>
        </>
      )}
      {error ? <ErrorText error={error} title="Download not started" /> : null}
    </Dialog>
  );
}
