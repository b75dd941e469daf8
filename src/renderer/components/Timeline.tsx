import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { VaultVersion } from '../../shared/contract';
import { formatBytes, formatDate } from '../format';

interface Props {
  /** Newest first. */
  versions: VaultVersion[];
  latestId: string | undefined;
  slotA: string | undefined;
  slotB: string | undefined;
  /** The version being looked at. */
  focus: string | null;
  /** Up to two versions picked for a diff. */
  compare: string[];
  onFocus: (versionId: string) => void;
  onToggleCompare: (versionId: string) => void;
  /** Scrolls this version into view when it changes (e.g. picked on the sparkline). */
  reveal?: { versionId: string; seq: number } | null;
}

const ROW_H = 46;

/**
 * The history as a vertical timeline, newest on top, virtualized (only the visible rows are in the
 * DOM; 10,000 versions scroll like 10). Each row: focus button, badges (latest, slot A/B), and a
 * "compare" checkbox; two checked rows are diffed.
 */
export function Timeline({ versions, latestId, slotA, slotB, focus, compare, onFocus, onToggleCompare, reveal }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: versions.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 8 });

  useEffect(() => {
    if (!reveal) return;
    const i = versions.findIndex((x) => x.versionId === reveal.versionId);
    if (i >= 0) v.scrollToIndex(i, { align: 'center' });
    // only when a new reveal is asked for, not on every new page of versions
  }, [reveal?.seq]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const cur = focus ? versions.findIndex((x) => x.versionId === focus) : -1;
    const next = Math.max(0, Math.min(versions.length - 1, cur + (e.key === 'ArrowDown' ? 1 : -1)));
    const target = versions[next];
    if (!target) return;
    onFocus(target.versionId);
    v.scrollToIndex(next);
  };

  return (
    <div
      ref={scrollRef}
      className="timeline"
      role="list"
      aria-label="Versions, newest first"
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="timeline"
      data-count={versions.length}
    >
      <div className="timeline-inner" style={{ height: v.getTotalSize() }}>
        {v.getVirtualItems().map((it) => {
          const ver = versions[it.index];
          if (!ver) return null;
          const id = ver.versionId;
          const isFocus = id === focus;
          const pick = compare.indexOf(id);
          const cls = ['tl-row', isFocus && 'focus', pick >= 0 && 'picked', it.index === 0 && 'first', it.index === versions.length - 1 && 'last']
            .filter(Boolean)
            .join(' ');
          return (
            <div
              key={id}
              role="listitem"
              aria-posinset={it.index + 1}
              aria-setsize={versions.length}
              aria-current={isFocus ? 'true' : undefined}
              className={cls}
              style={{ transform: `translateY(${it.start}px)`, height: ROW_H }}
              data-testid="timeline-row"
              data-version={id}
              data-latest={id === latestId ? 'true' : undefined}
            >
              <span className={id === latestId ? 'tl-dot latest' : 'tl-dot'} aria-hidden="true" />
              <button type="button" className="tl-main" onClick={() => onFocus(id)} title={ver.key} data-testid="timeline-open">
                <span className="tl-line">
                  <span className="tl-date">{formatDate(ver.at)}</span>
                  {id === latestId ? <span className="tag tag-latest">latest</span> : null}
                  {id === slotA ? <span className="tag tag-slot" data-testid="slot-a-badge">slot A</span> : null}
                  {id === slotB ? <span className="tag tag-slot" data-testid="slot-b-badge">slot B</span> : null}
                  {pick >= 0 && compare.length === 2 ? <span className="tag tag-pick">{compareLabel(compare, id)}</span> : null}
                </span>
                <span className="tl-sub">
                  <code>{id}</code> · {formatBytes(ver.size)}
                  {ver.hasManifest ? '' : ' · no manifest'}
                </span>
              </button>
              <label className="tl-compare" title="Pick two versions to compare">
                <input type="checkbox" checked={pick >= 0} onChange={() => onToggleCompare(id)} aria-label={`Compare ${id}`} data-testid="timeline-compare" />
              </label>
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** With two picks, the older is "from" and the newer "to" (ids sort by time). */
function compareLabel(compare: string[], id: string): string {
  return [...compare].sort()[0] === id ? 'from' : 'to';
}
