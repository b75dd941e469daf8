import { useState } from 'react';
import type { AppErrorShape } from '../../shared/contract';
import { errorShape } from '../client';
import { Dialog } from '../components/Dialog';
import { ErrorText } from '../components/ErrorText';
import { useBrowser } from '../store/browser';

const VALID = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function CreateBucketDialog({ onClose }: { onClose: () => void }) {
  const createBucket = useBrowser((s) => s.createBucket);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);
  const valid = VALID.test(name);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await createBucket(name);
      onClose();
    } catch (err) {
      setError(errorShape(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Create bucket"
      onClose={onClose}
      testId="create-bucket-dialog"
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="create-bucket-form" className="primary" disabled={!valid || busy}>
            {busy ? 'Creating…' : 'Create'}
          </button>
        </>
      }
    >
      <form
        id="create-bucket-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void submit();
        }}
      >
        <label className="field">
          <span>Bucket name</span>
          <input value={name} onChange={(e) => setName(e.target.value.toLowerCase())} autoFocus spellCheck={false} data-testid="bucket-name" />
          <small className={name && !valid ? 'danger-text' : 'muted'}>3–63 characters: a–z, 0–9, dot and hyphen; starts and ends with a letter or digit.</small>
        </label>
      </form>
      {error ? <ErrorText error={error} title="Not created" /> : null}
    </Dialog>
  );
}
