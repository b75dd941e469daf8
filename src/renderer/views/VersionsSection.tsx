import type { DoctorResult } from '../../shared/contract';
import { ErrorText } from '../components/ErrorText';
import { formatBytes, formatDate } from '../format';
import { useObjectPanel } from '../store/objectPanel';

/** Why versions cannot be shown, or null when the doctor says the endpoint supports them. */
function unavailableReason(doctor: DoctorResult | null | undefined): string | null {
  if (doctor === undefined) return 'checking the doctor result…';
  if (doctor === null) return 'run the doctor on this profile to check versioning';
  if (doctor.versioning) return null;
  return doctor.notes.versioning ?? 'the endpoint does not support object versioning';
}

/** The versions list, loaded lazily, with "load more"; only when versioning is supported. */
export function VersionsSection({ doctor }: { doctor: DoctorResult | null | undefined }) {
  const versions = useObjectPanel((s) => s.versions);
  const next = useObjectPanel((s) => s.versionsNext);
  const loaded = useObjectPanel((s) => s.versionsLoaded);
  const loading = useObjectPanel((s) => s.versionsLoading);
  const error = useObjectPanel((s) => s.versionsError);
  const loadVersions = useObjectPanel((s) => s.loadVersions);
  const reason = unavailableReason(doctor);

  return (
    <section className="versions" aria-label="Versions" data-testid="versions">
      <h3>Versions</h3>
      {reason !== null ? (
        <p className="muted" data-testid="versions-unavailable">
          Versions unavailable: {reason}
        </p>
      ) : (
        <>
          {!loaded && !loading ? (
            <button type="button" className="small" onClick={() => void loadVersions()} data-testid="load-versions">
              Show versions
            </button>
          ) : null}
          {error ? <ErrorText error={error} title="Versions" /> : null}
          {versions.length ? (
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Size</th>
                  <th scope="col">Modified</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.versionId} data-testid="version-row">
                    <td className="breakall">
                      <code>{v.versionId}</code>
                      {v.isLatest ? <span className="pill pill-succeeded">latest</span> : null}
                      {v.deleteMarker ? <span className="pill pill-failed">delete marker</span> : null}
                    </td>
                    <td className="nowrap">{v.deleteMarker ? '' : formatBytes(v.size)}</td>
                    <td className="nowrap">{formatDate(v.lastModified)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : loaded && !loading ? (
            <p className="muted">No versions.</p>
          ) : null}
          {loading ? <p className="muted small">Loading versions…</p> : null}
          {loaded && next && !loading ? (
            <button type="button" className="small" onClick={() => void loadVersions()}>
              Load more
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
