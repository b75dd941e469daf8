import { useMemo, useState } from 'react';
import type { ManifestEntry, VaultDiff } from '../../shared/contract';
import { formatBytes } from '../format';

type Kind = 'added' | 'removed' | 'changed';
interface Row {
  path: string;
  kind: Kind;
  before?: ManifestEntry;
  after?: ManifestEntry;
}

interface Props {
  diff: VaultDiff;
  fromLabel: string;
  toLabel: string;
  /** Click on a path: e.g. show that file's history. */
  onOpenPath?: (path: string) => void;
}

const SHOW = 1000;
const SIGN: Record<Kind, string> = { added: '+', removed: '−', changed: '~' };

/** Two versions side by side: what was added, removed and changed, with sizes. */
export function DiffView({ diff, fromLabel, toLabel, onOpenPath }: Props) {
  const [only, setOnly] = useState<Kind | 'all'>('all');
  const [all, setAll] = useState(false);
  const rows = useMemo<Row[]>(() => {
    const r: Row[] = [
      ...diff.added.map((e) => ({ path: e.path, kind: 'added' as const, after: e })),
      ...diff.removed.map((e) => ({ path: e.path, kind: 'removed' as const, before: e })),
      ...diff.changed.map((c) => ({ path: c.path, kind: 'changed' as const, before: c.before, after: c.after })),
    ];
    return r.sort((a, b) => a.path.localeCompare(b.path));
  }, [diff]);
  const shown = only === 'all' ? rows : rows.filter((r) => r.kind === only);
  const visible = all ? shown : shown.slice(0, SHOW);

  return (
    <div className="diff" data-testid="diff-view" data-from={diff.from} data-to={diff.to}>
      <div className="diff-summary row gap" role="group" aria-label="Show">
        <FilterButton on={only === 'all'} onClick={() => setOnly('all')} label={`All changes ${rows.length}`} />
        <FilterButton on={only === 'added'} onClick={() => setOnly('added')} label={`+ ${diff.added.length} added`} cls="d-added" testId="diff-added-count" />
        <FilterButton on={only === 'removed'} onClick={() => setOnly('removed')} label={`− ${diff.removed.length} removed`} cls="d-removed" testId="diff-removed-count" />
        <FilterButton on={only === 'changed'} onClick={() => setOnly('changed')} label={`~ ${diff.changed.length} changed`} cls="d-changed" testId="diff-changed-count" />
        <span className="muted small">{diff.unchanged} unchanged</span>
      </div>
      <div className="diff-table" role="table" aria-label={`Changes from ${fromLabel} to ${toLabel}`}>
        <div className="diff-row diff-head" role="row">
          <span role="columnheader">{fromLabel}</span>
          <span role="columnheader" className="diff-sign" aria-label="change" />
          <span role="columnheader">{toLabel}</span>
        </div>
        {visible.map((r) => (
          <div key={r.path} className={`diff-row d-${r.kind}`} role="row" data-testid="diff-row" data-kind={r.kind} data-path={r.path}>
            <Side entry={r.before} onOpen={onOpenPath} />
            <span role="cell" className="diff-sign" aria-label={r.kind}>
              {SIGN[r.kind]}
            </span>
            <Side entry={r.after} onOpen={onOpenPath} delta={r.kind === 'changed' && r.before && r.after ? r.after.size - r.before.size : undefined} />
          </div>
        ))}
        {rows.length === 0 ? <p className="empty small">The two versions hold the same files.</p> : null}
        {!all && shown.length > SHOW ? (
          <button type="button" className="link" onClick={() => setAll(true)}>
            Show all {shown.length.toLocaleString()} rows
          </button>
        ) : null}
      </div>
    </div>
  );
}

function FilterButton({ on, onClick, label, cls, testId }: { on: boolean; onClick: () => void; label: string; cls?: string; testId?: string }) {
  return (
    <button type="button" className={`small chip${on ? ' on' : ''}${cls ? ` ${cls}` : ''}`} aria-pressed={on} onClick={onClick} data-testid={testId}>
      {label}
    </button>
  );
}

function Side({ entry, onOpen, delta }: { entry: ManifestEntry | undefined; onOpen: ((path: string) => void) | undefined; delta?: number | undefined }) {
  if (!entry) return <span role="cell" className="diff-side empty-side" />;
  const name = entry.type === 'dir' ? `${entry.path}/` : entry.path;
  return (
    <span role="cell" className="diff-side">
      {onOpen && entry.type === 'file' ? (
        <button type="button" className="link diff-path" onClick={() => onOpen(entry.path)} title="Versions of this file">
          {name}
        </button>
      ) : (
        <span className="diff-path">{entry.type === 'symlink' ? `${name} → ${entry.linkTarget ?? '?'}` : name}</span>
      )}
      <span className="diff-size">
        {entry.type === 'file' ? formatBytes(entry.size) : entry.type}
        {delta !== undefined && delta !== 0 ? <span className="muted"> ({delta > 0 ? '+' : '−'}{formatBytes(Math.abs(delta))})</span> : null}
      </span>
    </span>
  );
}
