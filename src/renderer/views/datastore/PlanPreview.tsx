import { useMemo, useState } from 'react';
import type { AppErrorShape, ConflictPolicy, PlanAction, SyncPlan } from '../../../shared/contract';
import { Dialog } from '../../components/Dialog';
import { formatBytes, formatCount } from '../../format';
import { useDatastores } from '../../store/datastore';
import { FlowError } from './FlowError';
import { PlanList } from './PlanList';
import { CHOICES, clause, type Choice } from './util';

type Filter = PlanAction | 'all';
const FILTERS: Array<{ filter: Filter; label: string; count: (c: SyncPlan['counts']) => number }> = [
  { filter: 'upload', label: 'upload', count: (c) => c.upload },
  { filter: 'download', label: 'download', count: (c) => c.download },
  { filter: 'delete-local', label: 'delete local', count: (c) => c.deleteLocal },
  { filter: 'delete-remote', label: 'delete remote', count: (c) => c.deleteRemote },
  { filter: 'conflict', label: 'conflict', count: (c) => c.conflict },
];

const defaultChoice = (p: ConflictPolicy): Choice | undefined => (p === 'ask' ? undefined : p);

/** The dry run: counts, the list (filterable, conflicts highlighted), confirmations, then Sync. */
export function PlanPreview({ title, plan, policy, error }: { title: string; plan: SyncPlan; policy: ConflictPolicy; error: AppErrorShape | null }) {
  const { startSync, closeFlow } = useDatastores.getState();
  const [filter, setFilter] = useState<Filter>('all');
  const [resolutions, setResolutions] = useState<Record<string, Choice | undefined>>(() => {
    const d = defaultChoice(policy);
    return Object.fromEntries(plan.items.filter((i) => i.action === 'conflict').map((i) => [i.path, d]));
  });
  const [confirmDeletes, setConfirmDeletes] = useState(false);
  const [noLock, setNoLock] = useState(false);
  const [starting, setStarting] = useState(false);

  // conflicts first: they are what needs a decision
  const shown = useMemo(
    () =>
      filter === 'all'
        ? [...plan.items].sort((a, b) => Number(b.action === 'conflict') - Number(a.action === 'conflict'))
        : plan.items.filter((i) => i.action === filter),
    [plan.items, filter],
  );
  const c = plan.counts;
  const changes = c.upload + c.download + c.deleteLocal + c.deleteRemote + c.conflict;
  const conflictPaths = Object.keys(resolutions);
  const unresolved = conflictPaths.filter((p) => !resolutions[p]).length;
  const lockUnavailable = plan.lock.unavailable;
  const heldBy = plan.lock.lock && !plan.lock.lock.mine && !plan.lock.lock.expired ? plan.lock.lock : null;
  const blocked = unresolved > 0 || (plan.guard.tripped && !confirmDeletes) || (!!lockUnavailable && !noLock);

  const go = async () => {
    setStarting(true);
    const list = conflictPaths.flatMap((path) => {
      const choice = resolutions[path];
      return choice ? [{ path, choice }] : [];
    });
    await startSync({ resolutions: list, confirmDeletes, noLock });
    setStarting(false);
  };

  const footer = (
    <>
      <button type="button" onClick={closeFlow}>
        Cancel
      </button>
      <button type="button" className="primary" disabled={blocked || starting} onClick={() => void go()} data-testid="sync-confirm">
        {starting ? 'Starting…' : changes ? `Sync ${formatCount(changes)} change${changes === 1 ? '' : 's'}` : 'Record as in sync'}
      </button>
    </>
  );

  return (
    <Dialog title={title} onClose={closeFlow} wide footer={footer} testId="plan-preview">
      {error ? <FlowError error={error} /> : null}
      <div className="plan-counts" role="group" aria-label="Filter by action" data-testid="plan-counts">
        <button type="button" className={filter === 'all' ? 'chip active' : 'chip'} aria-pressed={filter === 'all'} onClick={() => setFilter('all')}>
          all <strong>{formatCount(plan.items.length)}</strong>
        </button>
        {FILTERS.map((f) => (
          <button
            key={f.filter}
            type="button"
            className={`chip chip-${f.filter}${filter === f.filter ? ' active' : ''}`}
            aria-pressed={filter === f.filter}
            onClick={() => setFilter(f.filter)}
            data-testid={`count-${f.filter}`}
            data-count={f.count(c)}
          >
            {f.label} <strong>{formatCount(f.count(c))}</strong>
          </button>
        ))}
        <span className="muted small chip-note" data-testid="count-unchanged">
          {formatCount(c.unchanged)} unchanged · ↑ {formatBytes(plan.bytesUp)} · ↓ {formatBytes(plan.bytesDown)}
        </span>
      </div>
      {changes === 0 ? (
        <p className="ok-text" data-testid="plan-in-sync">
          Everything is in sync: {formatCount(plan.localFiles)} local files, {formatCount(plan.remoteFiles)} remote objects.
        </p>
      ) : null}
      {lockUnavailable ? (
        <div className="ds-warn" data-testid="plan-no-lock">
          <p>
            <strong>No lock on this endpoint:</strong> {clause(lockUnavailable)}. Another machine syncing at the same time could overwrite
            these changes.
          </p>
          <label className="check">
            <input type="checkbox" checked={noLock} onChange={(e) => setNoLock(e.target.checked)} data-testid="confirm-no-lock" />
            No lock — I am the only writer
          </label>
        </div>
      ) : null}
      {heldBy ? (
        <p className="ds-warn" data-testid="plan-locked">
          <strong>Locked by {heldBy.owner}</strong> on {heldBy.host}: the sync will wait for or fail on that lock. See the lock console to
          break a stale one.
        </p>
      ) : null}
      {plan.guard.tripped ? (
        <div className="ds-danger" data-testid="plan-guard">
          <p>
            <strong>Delete guard:</strong> {plan.guard.reason ?? 'this plan deletes more than the guard allows'} (
            {plan.guard.localDeletePercent.toFixed(0)}% of local files, {plan.guard.remoteDeletePercent.toFixed(0)}% of remote objects).
          </p>
          <label className="check">
            <input type="checkbox" checked={confirmDeletes} onChange={(e) => setConfirmDeletes(e.target.checked)} data-testid="confirm-deletes" />
            Yes, delete {formatCount(c.deleteLocal + c.deleteRemote)} files as planned
          </label>
        </div>
      ) : null}
      {conflictPaths.length ? (
        <div className="row gap conflict-bar" data-testid="conflict-bar">
          <strong>
            {conflictPaths.length} conflict{conflictPaths.length === 1 ? '' : 's'}
          </strong>
          <span className="muted small">{unresolved ? `${unresolved} to resolve · ` : ''}apply to all:</span>
          {CHOICES.map((ch) => (
            <button
              key={ch.choice}
              type="button"
              className="small"
              onClick={() => setResolutions(Object.fromEntries(conflictPaths.map((p) => [p, ch.choice])))}
              data-testid={`all-${ch.choice}`}
            >
              {ch.label}
            </button>
          ))}
        </div>
      ) : null}
      <PlanList items={shown} resolutions={resolutions} onResolve={(path, choice) => setResolutions((r) => ({ ...r, [path]: choice }))} />
    </Dialog>
  );
}
