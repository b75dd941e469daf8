import type { Profile, ProfileKind } from '../../shared/contract';
import { formatDate } from '../format';

const KIND_LABEL: Record<ProfileKind, string> = {
  'default-chain': 'AWS default chain',
  named: 'Named profile',
  static: 'Static keys',
  'iam-role': 'IAM role',
  sandbox: 'Built-in sandbox',
};
export const kindLabel = (k: ProfileKind): string => KIND_LABEL[k];

interface Props {
  profile: Profile;
  onEdit: () => void;
  onDelete: () => void;
}

/** A profile's settings (never its secret). */
export function ProfileDetails({ profile: p, onEdit, onDelete }: Props) {
  const builtIn = p.kind === 'sandbox';
  return (
    <section className="card" data-testid="profile-details">
      <div className="row gap">
        <h2 className="grow">{p.name}</h2>
        {!builtIn ? (
          <>
            <button type="button" onClick={onEdit}>
              Edit
            </button>
            <button type="button" className="danger" onClick={onDelete}>
              Delete
            </button>
          </>
        ) : null}
      </div>
      {builtIn ? (
        <p className="muted small">
          The embedded local S3 endpoint (s3rver). It starts on demand; use “Load demo data” in Buckets to fill it.
        </p>
      ) : null}
      <dl className="kv">
        <dt>Credentials</dt>
        <dd>{kindLabel(p.kind)}</dd>
        {p.awsProfile ? (
          <>
            <dt>AWS profile</dt>
            <dd>{p.awsProfile}</dd>
          </>
        ) : null}
        {p.accessKeyId ? (
          <>
            <dt>Access key id</dt>
            <dd>
              <code>{p.accessKeyId}</code>
            </dd>
          </>
        ) : null}
        {p.kind === 'static' ? (
          <>
            <dt>Secret</dt>
            <dd className={p.hasSecret ? 'ok-text' : 'danger-text'}>{p.hasSecret ? 'secret stored' : 'no secret stored'}</dd>
          </>
        ) : null}
        <dt>Region</dt>
        <dd>{p.region}</dd>
        <dt>Endpoint</dt>
        <dd>{p.endpoint ?? (builtIn ? 'local, assigned at start' : 'AWS (default)')}</dd>
        <dt>Addressing</dt>
        <dd>{p.forcePathStyle ? 'path-style' : 'virtual-hosted'}</dd>
        <dt>Created</dt>
        <dd>{formatDate(p.createdAt)}</dd>
      </dl>
    </section>
  );
}
