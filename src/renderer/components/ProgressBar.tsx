import type { JobProgress } from '../../shared/contract';
import { formatBytes, formatCount } from '../format';

interface Props {
  progress: JobProgress | undefined;
  label?: string;
}

function amount(n: number, unit: JobProgress['unit']): string {
  return unit === 'bytes' ? formatBytes(n) : formatCount(n);
}

/** A job's progress: bar + "12.0 MiB / 20.0 MiB · 60%" (indeterminate when the total is unknown). */
export function ProgressBar({ progress, label }: Props) {
  const total = progress?.total ?? null;
  const done = progress?.done ?? 0;
  const pct = total && total > 0 ? Math.min(100, Math.round((done / total) * 100)) : null;
  const unitWord = progress && progress.unit !== 'bytes' ? ` ${progress.unit}` : '';
  const text = !progress
    ? 'starting…'
    : total !== null
      ? `${amount(done, progress.unit)} / ${amount(total, progress.unit)}${unitWord} · ${pct ?? 0}%`
      : `${amount(done, progress.unit)}${unitWord}`;
  return (
    <div className="progress" data-testid="progress">
      <div
        className={pct === null ? 'progress-track indeterminate' : 'progress-track'}
        role="progressbar"
        aria-label={label ?? 'progress'}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(pct !== null ? { 'aria-valuenow': pct } : {})}
      >
        <div className="progress-fill" style={{ width: pct === null ? '30%' : `${pct}%` }} />
      </div>
      <div className="progress-text">
        {progress?.phase ? <span className="progress-phase">{progress.phase}</span> : null}
        <span data-testid="progress-text">{text}</span>
      </div>
    </div>
  );
}
