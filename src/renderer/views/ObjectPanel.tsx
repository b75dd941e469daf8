import { useEffect } from 'react';
import { ErrorText } from '../components/ErrorText';
import { baseName, formatBytes, formatDate } from '../format';
import { useObjectPanel } from '../store/objectPanel';
import { useProfiles } from '../store/profiles';
import { VersionsSection } from './VersionsSection';

interface Props {
  onDownload: (key: string) => void;
  onDelete: (keys: string[]) => void;
}

/** Details of the selected object (objects.head) and, where the endpoint supports it, its versions. */
export function ObjectPanel({ onDownload, onDelete }: Props) {
  const target = useObjectPanel((s) => s.target);
  const d = useObjectPanel((s) => s.details);
  const loading = useObjectPanel((s) => s.loading);
  const error = useObjectPanel((s) => s.error);
  const profileId = target?.profileId;
  const doctor = useProfiles((s) => (profileId ? s.doctor[profileId] : undefined));

  useEffect(() => {
    if (profileId && useProfiles.getState().doctor[profileId] === undefined) void useProfiles.getState().loadDoctor(profileId);
  }, [profileId]);

  if (!target) return null;
  const meta = d ? Object.entries(d.metadata) : [];
  return (
    <aside className="panel" aria-label="Object details" data-testid="object-panel">
      <header className="panel-head">
        <h2 title={target.key}>{baseName(target.key)}</h2>
        <div className="row gap">
          <button type="button" className="small" onClick={() => onDownload(target.key)}>
            Download
          </button>
          <button type="button" className="small danger" onClick={() => onDelete([target.key])}>
            Delete
          </button>
        </div>
      </header>
      <p className="muted small breakall">{target.key}</p>
      {loading ? <p className="muted">Loading details…</p> : null}
      {error ? <ErrorText error={error} title="Details unavailable" /> : null}
      {d ? (
        <dl className="kv" data-testid="object-details">
          <dt>Size</dt>
          <dd data-testid="detail-size">
            {formatBytes(d.size)} <span className="muted">({d.size.toLocaleString()} bytes)</span>
          </dd>
          <dt>Modified</dt>
          <dd>{formatDate(d.lastModified)}</dd>
          <dt>ETag</dt>
          <dd className="breakall">
            <code>{d.etag ?? '—'}</code>
          </dd>
          <dt>Content type</dt>
          <dd data-testid="detail-content-type">{d.contentType ?? '—'}</dd>
          <dt>Storage class</dt>
          <dd>{d.storageClass}</dd>
          <dt>Encryption</dt>
          <dd>
            {d.sse ?? 'none reported'}
            {d.sseKmsKeyId ? <code className="breakall"> {d.sseKmsKeyId}</code> : null}
          </dd>
          {d.versionId ? (
            <>
              <dt>Version</dt>
              <dd className="breakall">
                <code>{d.versionId}</code>
              </dd>
            </>
          ) : null}
          <dt>Content SHA-256</dt>
          <dd className="breakall" data-testid="detail-sha256">
            {d.contentSha256 ? <code>{d.contentSha256}</code> : <span className="muted">not recorded (not written by S3 Deck)</span>}
          </dd>
          <dt>User metadata</dt>
          <dd data-testid="detail-metadata">
            {meta.length === 0 ? (
              <span className="muted">none</span>
            ) : (
              <table className="table compact">
                <tbody>
                  {meta.map(([k, v]) => (
                    <tr key={k}>
                      <td>
                        <code>{k}</code>
                      </td>
                      <td className="breakall">{v}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </dd>
        </dl>
      ) : null}
      <VersionsSection doctor={doctor} />
    </aside>
  );
}
