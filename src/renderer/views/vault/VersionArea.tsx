import { useEffect, useState } from 'react';
import type { Vault, VaultVersionDetails } from '../../../shared/contract';
import { DiffView } from '../../components/DiffView';
import { countOf, formatBytes, formatDate } from '../../format';
import { toast } from '../../store/toasts';
import { useVault } from '../../store/vault';
import { promote, setSlot } from './actions';
import { FileHistoryPanel } from './FileHistoryPanel';
import { FilesList } from './FilesList';
import { PromoteDialog } from './PromoteDialog';
import { RestoreDialog } from './RestoreDialog';
import { VaultError } from './VaultError';

type Tab = 'files' | 'compare';

/** Right of the timeline: the focused version (details, files, one file's history) or the diff of two picks. */
export function VersionArea({ vault }: { vault: Vault }) {
  const compare = useVault((s) => s.compare);
  const [tab, setTab] = useState<Tab>('files');
  // two picks: show the diff right away
  useEffect(() => {
    setTab(compare.length === 2 ? 'compare' : 'files');
  }, [compare.length]);

  return (
    <section className="card version-area" aria-label="Version">
      <div className="tabs" role="tablist" aria-label="Version views">
        <button type="button" role="tab" aria-selected={tab === 'files'} className={tab === 'files' ? 'tab on' : 'tab'} onClick={() => setTab('files')} data-testid="tab-files">
          Files
        </button>
        <button type="button" role="tab" aria-selected={tab === 'compare'} className={tab === 'compare' ? 'tab on' : 'tab'} onClick={() => setTab('compare')} data-testid="tab-compare">
          Compare {compare.length ? `(${compare.length}/2)` : ''}
        </button>
      </div>
      <div role="tabpanel" className="tab-panel">
        {tab === 'files' ? <VersionPanel vault={vault} /> : <ComparePanel onOpenFile={() => setTab('files')} />}
      </div>
    </section>
  );
}

/** The diff of the two picked versions; a file's name opens its history in the Files tab. */
function ComparePanel({ onOpenFile }: { onOpenFile: () => void }) {
  const compare = useVault((s) => s.compare);
  const diff = useVault((s) => s.diff);
  const openFile = useVault((s) => s.openFile);
  if (compare.length < 2)
    return <p className="empty">Tick the checkboxes of two versions on the timeline to see what was added, removed and changed between them.</p>;
  if (diff.error) return <VaultError error={diff.error} what="Diff unavailable" />;
  if (!diff.value) return <p className="muted">Comparing…</p>;
  const d = diff.value;
  return (
    <DiffView
      diff={d}
      fromLabel={`from ${d.from}`}
      toLabel={`to ${d.to}`}
      onOpenPath={(p) => {
        openFile(p);
        onOpenFile();
      }}
    />
  );
}

function VersionPanel({ vault }: { vault: Vault }) {
  const focus = useVault((s) => s.focus);
  const details = useVault((s) => s.details);
  const filePath = useVault((s) => s.filePath);
  const history = useVault((s) => s.history);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [modal, setModal] = useState<'restore' | 'promote' | null>(null);
  useEffect(() => setChosen(new Set()), [focus]);

  if (!focus) return <p className="empty">{history?.versions.length ? 'Pick a version on the timeline.' : 'No versions yet.'}</p>;
  const d = details.value;
  const isLatest = history?.latest?.versionId === focus;
  const slot = async (s: 'a' | 'b') => {
    try {
      await setSlot(vault, s, focus);
    } catch (err) {
      toast.error(`Could not set slot ${s.toUpperCase()}`, err);
    }
  };

  return (
    <div className="version-panel" data-testid="version-panel" data-version={focus}>
      <div className="row gap version-head">
        <h2>{d ? formatDate(d.at) : focus}</h2>
        <code className="muted">{focus}</code>
        {isLatest ? <span className="tag tag-latest">latest</span> : null}
        {history?.slots.a?.versionId === focus ? <span className="tag tag-slot">slot A</span> : null}
        {history?.slots.b?.versionId === focus ? <span className="tag tag-slot">slot B</span> : null}
      </div>
      <div className="row gap version-actions">
        <button type="button" className="primary small" onClick={() => setModal('restore')} data-testid="version-restore">
          {chosen.size ? `Restore ${chosen.size} selected…` : 'Restore all…'}
        </button>
        <button type="button" className="small" onClick={() => setModal('promote')} disabled={isLatest} data-testid="version-promote">
          Make latest…
        </button>
        <button type="button" className="small" onClick={() => void slot('a')} data-testid="version-slot-a">
          Set slot A
        </button>
        <button type="button" className="small" onClick={() => void slot('b')} data-testid="version-slot-b">
          Set slot B
        </button>
        <span className="spacer" />
        {d ? <Summary d={d} /> : null}
      </div>
      {details.error ? <VaultError error={details.error} what="Cannot open this version" /> : null}
      {details.loading ? <p className="muted small">Decrypting the manifest…</p> : null}
      {d ? (
        <div className={filePath ? 'files-split with-history' : 'files-split'}>
          <FilesList entries={d.entries} chosen={chosen} onChosen={setChosen} />
          {filePath ? <FileHistoryPanel /> : null}
        </div>
      ) : null}
      {modal === 'restore' ? (
        <RestoreDialog
          vault={vault}
          source={{ kind: 'version', versionId: focus }}
          label={focus}
          paths={chosen.size ? [...chosen].sort() : undefined}
          onClose={() => setModal(null)}
        />
      ) : null}
      {modal === 'promote' ? <PromoteDialog vault={vault} versionId={focus} onConfirm={() => promote(vault, focus)} onClose={() => setModal(null)} /> : null}
    </div>
  );
}

function Summary({ d }: { d: VaultVersionDetails }) {
  return (
    <span className="small version-summary" data-testid="version-summary">
      {countOf(d.files, 'file')} · {formatBytes(d.plainSize)} packed · {formatBytes(d.size)} encrypted · SHA-256{' '}
      <code title={d.sha256}>{d.sha256.slice(0, 12)}…</code>
    </span>
  );
}
