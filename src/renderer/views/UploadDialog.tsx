import { useState } from 'react';
import type { AppErrorShape } from '../../shared/contract';
import { errorShape } from '../client';
import { Dialog } from '../components/Dialog';
import { ErrorText } from '../components/ErrorText';
import { JobProgress } from '../components/JobProgress';
import { LocalPicker } from '../components/LocalPicker';
import { formatBytes } from '../format';
import { useBrowser } from '../store/browser';
import { useJobs } from '../store/jobs';
import { useLocal } from '../store/local';
import { startUpload } from '../store/transfers';

/** Pick local files → objects.upload under the current prefix → follow the job. */
export function UploadDialog({ onClose }: { onClose: () => void }) {
  const bucket = useBrowser((s) => s.bucket);
  const prefix = useBrowser((s) => s.prefix);
  const selected = useLocal((s) => s.selected);
  const [jobId, setJobId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);
  const running = useJobs((s) => (jobId ? s.jobs[jobId]?.status === 'running' : false));

  const files = [...selected.values()];
  const total = files.reduce((n, f) => n + f.size, 0);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const id = await startUpload(
        files.map((f) => ({ path: f.path, name: f.name })),
        prefix,
      );
      useLocal.getState().clear();
      setJobId(id);
    } catch (err) {
      setError(errorShape(err));
    } finally {
      setBusy(false);
    }
  };

  const footer = jobId ? (
    <button type="button" onClick={onClose} data-testid="upload-close">
      {running ? 'Continue in background' : 'Close'}
    </button>
  ) : (
    <>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      <button type="button" className="primary" disabled={!files.length || busy} onClick={() => void start()} data-testid="upload-start">
        {busy ? 'Starting…' : `Upload ${files.length || ''} file${files.length === 1 ? '' : 's'} (${formatBytes(total)})`}
      </button>
    </>
  );

  return (
    <Dialog title={`Upload to ${bucket ?? ''}/${prefix}`} onClose={onClose} footer={footer} wide testId="upload-dialog">
      {jobId ? (
        <>
          <p>
            Uploading to <code>{bucket}/{prefix}</code>. The listing refreshes when the upload ends.
          </p>
          <JobProgress jobId={jobId} />
        </>
      ) : (
        <>
          <p className="muted small">
            Files go to <code>{bucket}/{prefix}</code> under their own names. Each upload records its SHA-256 in
            <code> x-amz-meta-content-sha256</code>.
          </p>
          <LocalPicker />
        </>
      )}
      {error ? <ErrorText error={error} title="Upload not started" /> : null}
    </Dialog>
  );
}
