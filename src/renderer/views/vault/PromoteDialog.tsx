import { useState } from 'react';
import type { AppErrorShape, Vault } from '../../../shared/contract';
import { errorShape } from '../../client';
import { Dialog } from '../../components/Dialog';
import { VaultError } from './VaultError';

/** Confirms "make this version latest" (a server-side copy onto the latest object). */
export function PromoteDialog({ vault, versionId, onConfirm, onClose }: { vault: Vault; versionId: string; onConfirm: () => Promise<void>; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(errorShape(err));
    } finally {
      setBusy(false);
    }
  };
  const footer = (
    <>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      <button type="button" className="primary" disabled={busy} onClick={() => void go()} data-testid="promote-confirm">
        {busy ? 'Copying…' : 'Make latest'}
      </button>
    </>
  );
  return (
    <Dialog title="Make this version latest" onClose={onClose} footer={footer} testId="promote-dialog">
      <p>
        Copy <code>{versionId}</code> onto <code>{vault.prefix}/vault/vault.tar.aes</code>? Pulls without a version (and the{' '}
        <code>age</code> command line on that key) then get this version. The history is kept as it is.
      </p>
      {error ? <VaultError error={error} what="Not promoted" /> : null}
    </Dialog>
  );
}
