import { useEffect, useState } from 'react';
import type { Vault } from '../../../shared/contract';
import { ErrorText } from '../../components/ErrorText';
import { formatDate } from '../../format';
import { useProfiles } from '../../store/profiles';
import { useSandbox } from '../../store/sandbox';
import { selectedVault, useVault } from '../../store/vault';
import { HistoryPane } from './HistoryPane';
import { VaultForm } from './VaultForm';
import { VaultHeader } from './VaultHeader';
import { VersionArea } from './VersionArea';

type Mode = { kind: 'view' } | { kind: 'new' } | { kind: 'edit'; vault: Vault };

/** Vault: configured vaults on the left; the selected one's header, timeline and files/diff. */
export function VaultView() {
  const vaults = useVault((s) => s.vaults);
  const loaded = useVault((s) => s.loaded);
  const listError = useVault((s) => s.listError);
  const selectedId = useVault((s) => s.selectedId);
  const vault = useVault(selectedVault);
  const [mode, setMode] = useState<Mode>({ kind: 'view' });

  useEffect(() => {
    // back on the view: the list and the open vault's history may have moved on (CLI, other windows)
    const hadHistory = !!useVault.getState().history;
    void useVault.getState().load().then(() => {
      const s = useVault.getState();
      if (hadHistory && s.selectedId && s.history) void s.loadHistory();
    });
    if (!useProfiles.getState().loaded) void useProfiles.getState().load();
  }, []);

  const form = mode.kind !== 'view';
  return (
    <div className="vault-view">
      <header className="page-head">
        <h1>Vault</h1>
        <span className="muted small">A local folder kept encrypted (age) in S3, with its history.</span>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setMode({ kind: 'new' })} data-testid="new-vault">
          New vault
        </button>
      </header>
      {listError ? <ErrorText error={listError} title="Could not list vaults" /> : null}
      <div className="vault-body">
        {vaults.length > 0 ? (
          <ul className="list-pane vault-list" aria-label="Vaults" data-testid="vault-list">
            {vaults.map((v) => (
              <li key={v.id}>
                <button
                  type="button"
                  className={v.id === selectedId && !form ? 'list-item active' : 'list-item'}
                  aria-current={v.id === selectedId && !form ? 'true' : undefined}
                  data-testid="vault-item"
                  data-vault={v.name}
                  onClick={() => {
                    setMode({ kind: 'view' });
                    if (v.id !== selectedId) useVault.getState().select(v.id);
                  }}
                >
                  <span className="list-title">{v.name}</span>
                  <span className="list-sub">
                    {v.bucket}/{v.prefix}
                  </span>
                  <span className="list-sub">{v.lastPush ? `${v.lastPush.status} ${formatDate(v.lastPush.at)}` : 'never pushed from here'}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <div className="vault-main">
          {form ? (
            <VaultForm
              key={mode.kind === 'edit' ? mode.vault.id : 'new'}
              vault={mode.kind === 'edit' ? mode.vault : null}
              onDone={() => setMode({ kind: 'view' })}
            />
          ) : vault ? (
            <>
              <VaultHeader vault={vault} onEdit={() => setMode({ kind: 'edit', vault })} />
              <div className="vault-split">
                <HistoryPane vault={vault} />
                <VersionArea vault={vault} />
              </div>
            </>
          ) : loaded && !listError ? (
            <NoVaults onNew={() => setMode({ kind: 'new' })} />
          ) : null}
        </div>
      </div>
    </div>
  );
}

/** First run: what a vault is, and the two ways to get one. */
function NoVaults({ onNew }: { onNew: () => void }) {
  const seeding = useSandbox((s) => s.seedJobId !== null);
  const loadDemo = async () => {
    if (await useSandbox.getState().seed()) await useVault.getState().load();
  };
  return (
    <div className="card vault-empty" data-testid="vault-empty">
      <h2>No vaults yet</h2>
      <p>
        A vault keeps a local folder (secrets, a workspace) in a bucket as one <strong>age</strong>-encrypted tar, with a history
        of versions you can browse, compare and restore file by file. Anyone with the passphrase can also open it with the{' '}
        <code>age</code> command line.
      </p>
      <div className="row gap">
        <button type="button" className="primary" onClick={onNew}>
          New vault
        </button>
        <button type="button" onClick={() => void loadDemo()} disabled={seeding} data-testid="vault-load-demo">
          {seeding ? 'Loading demo data…' : 'Load demo data'}
        </button>
      </div>
      <p className="muted small">
        Demo data creates <code>demo-vault</code> on the local sandbox with about 30 versions; its passphrase is <code>demo</code>.
      </p>
    </div>
  );
}
