import { useState } from 'react';
import type { AppErrorShape, Vault } from '../../../shared/contract';
import { call, errorShape } from '../../client';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { FolderPicker } from './FolderPicker';
import { VaultError } from './VaultError';

const joinPath = (folder: string, name: string) => {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return folder.endsWith(sep) ? folder + name : folder + sep + name;
};
const inside = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/**
 * Writes the vault's X25519 identity to an age identity file the user picks (main writes it; the
 * secret never comes to this window), so the vault opens without S3 Deck: `age -d -i FILE`.
 */
export function ExportIdentityDialog({ vault, onClose }: { vault: Vault; onClose: () => void }) {
  const [folder, setFolder] = useState<string | null>(null);
  const [name, setName] = useState(`${vault.name.replace(/[^\w.-]+/g, '-')}.agekey.txt`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);
  const [written, setWritten] = useState<string | null>(null);

  const write = async () => {
    if (!folder) return;
    setBusy(true);
    setError(null);
    try {
      setWritten((await call('vault.exportIdentity', { vaultId: vault.id, path: joinPath(folder, name.trim()) })).path);
    } catch (err) {
      setError(errorShape(err));
    } finally {
      setBusy(false);
    }
  };
  const footer = written ? (
    <button type="button" className="primary" onClick={onClose}>
      Done
    </button>
  ) : (
    <>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      <button type="button" className="primary" disabled={!folder || !name.trim() || busy} onClick={() => void write()} data-testid="export-identity-write">
        {busy ? 'Writing…' : 'Write identity file'}
      </button>
    </>
  );
  return (
    <Dialog title="Export identity" onClose={onClose} footer={footer} wide testId="export-identity-dialog">
      {written ? (
        <div data-testid="export-identity-done">
          <p className="ok-text">
            Wrote <code className="breakall">{written}</code> (readable by you only).
          </p>
          <p className="small">
            Anyone with this file can decrypt every version of the vault: keep it somewhere safe, away from the vault folder. Without S3
            Deck: <code>age -d -i {written} vault.tar.aes | tar x</code>
          </p>
        </div>
      ) : (
        <>
          <p className="small muted">
            Writes the identity as an age identity file (as <code>age-keygen</code> does). It is never overwritten; pick a folder and a new
            file name.
          </p>
          {folder ? (
            <div className="form">
              <div className="row gap">
                <span>Folder</span>
                <code className="breakall grow" data-testid="export-identity-folder">
                  {folder}
                </code>
                <button type="button" onClick={() => setFolder(null)}>
                  Change…
                </button>
              </div>
              <Field label="File name">
                <input value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} data-testid="export-identity-name" />
              </Field>
            </div>
          ) : (
            <FolderPicker onPick={setFolder} />
          )}
          {folder && inside(folder, vault.localDir) ? (
            <p className="danger-text small" data-testid="export-identity-inside">
              This folder is inside the vault folder: the next push would store the key in the vault it opens.
            </p>
          ) : null}
          {error ? <VaultError error={error} what="Not exported" /> : null}
        </>
      )}
    </Dialog>
  );
}
