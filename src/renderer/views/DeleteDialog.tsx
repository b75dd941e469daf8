import { useState } from 'react';
import type { AppErrorShape } from '../../shared/contract';
import { errorShape } from '../client';
import { Dialog } from '../components/Dialog';
import { ErrorText } from '../components/ErrorText';
import { useBrowser } from '../store/browser';
import { toast } from '../store/toasts';
import { deleteKeys } from '../store/transfers';

const SHOW = 50;
type KeyError = { key: string; code: string; message: string };

/** Confirmation listing the keys → objects.delete → per-key errors. */
export function DeleteDialog({ keys, onClose }: { keys: string[]; onClose: () => void }) {
  const bucket = useBrowser((s) => s.bucket);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);
  const [keyErrors, setKeyErrors] = useState<KeyError[] | null>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await deleteKeys(keys);
      if (r.errors.length === 0) {
        toast.success(`Deleted ${r.deleted} object${r.deleted === 1 ? '' : 's'}`);
        onClose();
      } else {
        setKeyErrors(r.errors);
      }
    } catch (err) {
      setError(errorShape(err));
    } finally {
      setBusy(false);
    }
  };

  const footer = keyErrors ? (
    <button type="button" onClick={onClose}>
      Close
    </button>
  ) : (
    <>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      <button type="button" className="danger" disabled={busy} onClick={() => void confirm()} data-testid="delete-confirm">
        {busy ? 'Deleting…' : `Delete ${keys.length} object${keys.length === 1 ? '' : 's'}`}
      </button>
    </>
  );

  return (
    <Dialog title="Delete objects" onClose={onClose} footer={footer} testId="delete-dialog">
      {keyErrors ? (
        <>
          <p className="danger-text">
            {keys.length - keyErrors.length} deleted, {keyErrors.length} failed:
          </p>
          <ul className="keylist">
            {keyErrors.map((e) => (
              <li key={e.key}>
                <code>{e.key}</code> — {e.message} <code className="error-code">{e.code}</code>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <>
          <p>
            Permanently delete {keys.length === 1 ? 'this object' : `these ${keys.length} objects`} from <strong>{bucket}</strong>?
          </p>
          <ul className="keylist" data-testid="delete-keys">
            {keys.slice(0, SHOW).map((k) => (
              <li key={k}>
                <code>{k}</code>
              </li>
            ))}
            {keys.length > SHOW ? <li className="muted">…and {keys.length - SHOW} more</li> : null}
          </ul>
        </>
      )}
      {error ? <ErrorText error={error} title="Nothing deleted" /> : null}
    </Dialog>
  );
}
