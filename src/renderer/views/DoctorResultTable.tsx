import type { DoctorResult } from '../../shared/contract';
import { formatDate, formatDuration } from '../format';

type BoolField =
  | 'versioning'
  | 'conditionalPut'
  | 'conditionalPutIgnored'
  | 'ifMatchQuotedEtag'
  | 'ifMatchUnquotedEtag'
  | 'streamingChecksums'
  | 'sseEcho'
  | 'multipartEtagSuffix'
  | 'pathStyleRequired';

interface Row {
  field: BoolField;
  label: string;
  /** true = the good outcome is `true`; null = informational only. */
  goodWhen: boolean | null;
}

const ROWS: Row[] = [
  { field: 'versioning', label: 'Object versioning', goodWhen: true },
  { field: 'conditionalPut', label: 'Conditional writes (If-None-Match / If-Match)', goodWhen: true },
  { field: 'conditionalPutIgnored', label: 'Conditional headers silently ignored', goodWhen: false },
  { field: 'ifMatchQuotedEtag', label: 'If-Match accepts a quoted ETag', goodWhen: true },
  { field: 'ifMatchUnquotedEtag', label: 'If-Match accepts an unquoted ETag', goodWhen: true },
  { field: 'streamingChecksums', label: 'Streaming checksums (SDK defaults)', goodWhen: true },
  { field: 'sseEcho', label: 'Server-side encryption echoed', goodWhen: true },
  { field: 'multipartEtagSuffix', label: 'Multipart ETag has the "-N" suffix', goodWhen: true },
  { field: 'pathStyleRequired', label: 'Path-style addressing required', goodWhen: null },
];

const SKEW_WARN_MS = 60_000;

function Mark({ ok }: { ok: boolean | null }) {
  if (ok === null) return <span className="mark mark-info">•</span>;
  return ok ? (
    <span className="mark mark-ok" aria-label="good">
      ✓
    </span>
  ) : (
    <span className="mark mark-bad" aria-label="problem">
      ✗
    </span>
  );
}

/** The endpoint doctor's findings as a capability table. */
export function DoctorResultTable({ r }: { r: DoctorResult }) {
  const skew = r.clockSkewMs;
  return (
    <div className="doctor-result" data-testid="doctor-result">
      <p className="muted small">
        Checked <strong>{r.bucket}</strong> at {r.endpoint} · {formatDate(r.ranAt)} · took {formatDuration(r.durationMs)}
      </p>
      {r.conditionalPutIgnored ? (
        <p className="danger-text" data-testid="conditional-put-ignored">
          Conditional writes are silently ignored — locking is unsafe on this endpoint.
        </p>
      ) : null}
      <table className="table compact capability">
        <thead>
          <tr>
            <th scope="col">Capability</th>
            <th scope="col">Result</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {ROWS.map((row) => {
            const v = r[row.field];
            const ok = row.goodWhen === null ? null : v === row.goodWhen;
            return (
              <tr key={row.field} data-testid={`cap-${row.field}`} data-value={String(v)} className={ok === false ? 'bad' : ''}>
                <td>
                  {row.label} <code className="muted">{row.field}</code>
                </td>
                <td className="nowrap">
                  <Mark ok={ok} /> {v ? 'yes' : 'no'}
                  {row.field === 'versioning' && r.versioningStatus ? ` (${r.versioningStatus})` : ''}
                </td>
                <td className={row.field === 'conditionalPutIgnored' && v ? 'danger-text' : 'note'}>
                  {row.field === 'conditionalPutIgnored' && v ? 'conditional writes are silently ignored — locking is unsafe. ' : ''}
                  {r.notes[row.field] ?? ''}
                </td>
              </tr>
            );
          })}
          <tr data-testid="cap-checksumMode" data-value={r.checksumMode}>
            <td>
              Checksum mode <code className="muted">checksumMode</code>
            </td>
            <td className="nowrap">
              <Mark ok={null} /> {r.checksumMode === 'default' ? 'SDK default' : 'WHEN_REQUIRED'}
            </td>
            <td className="note">{r.notes.checksumMode ?? ''}</td>
          </tr>
          <tr data-testid="cap-clockSkewMs" className={skew !== null && Math.abs(skew) > SKEW_WARN_MS ? 'bad' : ''}>
            <td>
              Clock skew <code className="muted">clockSkewMs</code>
            </td>
            <td className="nowrap">
              <Mark ok={skew === null ? null : Math.abs(skew) <= SKEW_WARN_MS} /> {skew === null ? 'unknown' : formatDuration(Math.abs(skew))}
              {skew !== null && skew !== 0 ? (skew > 0 ? ' ahead' : ' behind') : ''}
            </td>
            <td className="note">{r.notes.clockSkewMs ?? ''}</td>
          </tr>
          <tr data-testid="cap-leftovers" className={r.leftovers.length ? 'bad' : ''}>
            <td>
              Scratch objects left behind <code className="muted">leftovers</code>
            </td>
            <td className="nowrap">
              <Mark ok={r.leftovers.length === 0} /> {r.leftovers.length ? r.leftovers.length : 'none'}
            </td>
            <td className="note">{r.leftovers.length ? r.leftovers.join(', ') : (r.notes.leftovers ?? '')}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
