import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { PlanItem } from '../../../shared/contract';
import { formatBytes, formatDate } from '../../format';
import { ACTION_LABEL, CHOICES, type Choice } from './util';

const ROW_H = 32;
const MAX_ROWS = 12;

interface Props {
  items: PlanItem[];
  resolutions: Record<string, Choice | undefined>;
  onResolve: (path: string, choice: Choice) => void;
}

/** The plan's files, virtualized (a plan can hold 100,000 entries); conflicts carry a choice. */
export function PlanList({ items, resolutions, onResolve }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: items.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 10 });
  return (
    <div className="plan-table" data-testid="plan-list">
      <div className="plan-row plan-head" role="row">
        <span role="columnheader">Action</span>
        <span role="columnheader">Path</span>
        <span role="columnheader">Why</span>
        <span role="columnheader" className="num">
          Local → remote
        </span>
        <span role="columnheader">Resolution</span>
      </div>
      <div
        ref={scrollRef}
        className="plan-scroll"
        // as tall as the rows up to a cap (CSS max-height): a one-file plan is not a tall empty box
        style={{ height: Math.max(2, Math.min(items.length, MAX_ROWS)) * ROW_H }}
        role="grid" aria-label="Planned changes" aria-rowcount={items.length} tabIndex={0}>
        <div className="plan-inner" style={{ height: v.getTotalSize() }}>
          {v.getVirtualItems().map((it) => {
            const item = items[it.index];
            if (!item) return null;
            const choice = resolutions[item.path];
            const conflict = item.action === 'conflict';
            return (
              <div
                key={item.path}
                role="row"
                aria-rowindex={it.index + 1}
                className={`plan-row${conflict ? ' conflict' : ''}${conflict && !choice ? ' unresolved' : ''}${it.index % 2 ? ' odd' : ''}`}
                style={{ transform: `translateY(${it.start}px)`, height: ROW_H }}
                data-testid="plan-item"
                data-path={item.path}
                data-action={item.action}
              >
                <span role="gridcell">
                  <span className={`act act-${item.action}`}>{ACTION_LABEL[item.action]}</span>
                </span>
                <span role="gridcell" className="plan-path" title={item.path}>
                  {item.path}
                </span>
                <span role="gridcell" className="muted plan-reason" title={when(item)}>
                  {item.reason}
                </span>
                <span role="gridcell" className="num muted">
                  {sizes(item)}
                </span>
                <span role="gridcell">
                  {conflict ? (
                    <select
                      className="small"
                      value={choice ?? ''}
                      onChange={(e) => onResolve(item.path, e.target.value as Choice)}
                      aria-label={`Resolution for ${item.path}`}
                      data-testid="resolution"
                    >
                      {!choice ? <option value="">choose…</option> : null}
                      {CHOICES.map((c) => (
                        <option key={c.choice} value={c.choice}>
                          {c.label}
                        </option>
                      ))}
                    </select>
                  ) : null}
                </span>
              </div>
            );
          })}
        </div>
        {items.length === 0 ? <p className="empty small">Nothing here.</p> : null}
      </div>
    </div>
  );
}

function sizes(i: PlanItem): string {
  const l = i.localSize === undefined ? '—' : formatBytes(i.localSize);
  const r = i.remoteSize === undefined ? '—' : formatBytes(i.remoteSize);
  return `${l} → ${r}`;
}

function when(i: PlanItem): string {
  const parts = [i.localMtime && `local modified ${formatDate(i.localMtime)}`, i.remoteModified && `remote modified ${formatDate(i.remoteModified)}`];
  return [i.reason, ...parts].filter(Boolean).join('\n');
}
