import { useEffect, useState } from 'react';
import type { AppErrorShape, Vault, VaultPrunePreview } from '../../../shared/contract';
import { call, errorShape } from '../../client';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { formatBytes, formatDate } from '../../format';
import { toast } from '../../store/toasts';
import { prune } from './actions';
import { VaultError } from './VaultError';

const SHOW = 50;

/** Prune preview (what a retention of N would delete) → confirm → prune. */
export function PruneDialog({ vault, onClose }: { vault: Vault; onClose: () => void }) {
  const [retention, setRetention] = useState(String(vault.retention));
  const [preview, setPreview] = useState<VaultPrunePreview | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);
  const n = Number(retention);
  const valid = Number.isInteger(n) && n >= 1 && n <= 100000;

  useEffect(() => {
    if (!valid) return;
    let live = true;
    setPreview(null);
    setError(null);
    const t = setTimeout(() => {
      call('vault.prunePreview', { vaultId: vault.id, retention: n }).then(
        (p) => live && setPreview(p),
        (err: unknown) => live && setError(errorShape(err)),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [vault.id, n, valid]);

  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      const deleted = await prune(vault, n);
      toast.success(`Pruned ${deleted} version${deleted === 1 ? '' : 's'}`, vault.name);
      onClose();
    } catch (err) {
      setError(errorShape(err));
    } finally {
      setBusy(false);
    }
  };

  const count = preview?.delete.length ?? 0;
  const footer = (
    <>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      <button type="button" className="danger" disabled={!preview || !count || busy} onClick={() => void go()} data-testid="prune-confirm">
        {busy ? 'Deleting…' : `Delete ${count} version${count === 1 ? '' : 's'}`}
      </button>
    </>
  );
  return (
    <Dialog title={`Prune ${vault.name}`} onClose={onClose} footer={footer} testId="prune-dialog">
      <Field label="Keep the newest" hint="versions. The versions slot A, slot B and latest point to are always kept. Each push prunes to the vault's retention too.">
        <input type="number" min={1} max={100000} value={retention} onChange={(e) => setRetention(e.target.value)} />
      </Field>
      {!valid ? <p className="error-text small">A whole number from 1 to 100,000.</p> : null}
      {valid && !preview && !error ? <p className="muted small">Working out what to delete…</p> : null}
      {preview ? (
        count === 0 ? (
          <p data-testid="prune-preview">Nothing to delete: {preview.keep} version(s) fit within the retention.</p>
        ) : (
          <>
            <p data-testid="prune-preview">
              Keeps {preview.keep}, permanently deletes <strong>{count}</strong> older version{count === 1 ? '' : 's'} (and their
              manifests):
            </p>
            <ul className="keylist">
              {preview.delete.slice(0, SHOW).map((v) => (
                <li key={v.versionId}>
                  <code>{v.versionId}</code> <span className="muted">{formatDate(v.at)} · {formatBytes(v.size)}</span>
                </li>
              ))}
              {count > SHOW ? <li className="muted">…and {count - SHOW} more</li> : null}
            </ul>
          </>
        )
      ) : null}
      {error ? <VaultError error={error} what="Prune" /> : null}
    </Dialog>
  );
}
