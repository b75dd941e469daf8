import type { AppErrorShape } from '../../../shared/contract';
import { ErrorText } from '../../components/ErrorText';

const TITLES: Partial<Record<AppErrorShape['code'], string>> = {
  LOCKED: 'Locked',
  CONFIRM_REQUIRED: 'Needs your confirmation',
  UNAVAILABLE: 'Not available on this endpoint',
  CANCELLED: 'Cancelled',
};

/** A plan or sync error, titled by what the user can do about it. */
export function FlowError({ error, fallback = 'Sync failed' }: { error: AppErrorShape; fallback?: string }) {
  return (
    <div className={error.code === 'LOCKED' || error.code === 'CONFIRM_REQUIRED' ? 'ds-warn' : 'ds-danger'} data-testid="flow-error" data-code={error.code}>
      <ErrorText error={error} title={TITLES[error.code] ?? fallback} />
      {error.code === 'LOCKED' ? <p className="small muted">Wait for that sync to finish, or break a stale lock in the lock console.</p> : null}
    </div>
  );
}
