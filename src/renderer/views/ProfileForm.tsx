import { useEffect, useState, type FormEvent } from 'react';
import type { AppErrorShape, Profile, ProfileInput } from '../../shared/contract';
import { errorShape } from '../client';
import { ErrorText } from '../components/ErrorText';
import { Field } from '../components/Field';
import { useProfiles } from '../store/profiles';

type EditableKind = ProfileInput['kind'];
const KINDS: Array<{ kind: EditableKind; label: string; hint: string }> = [
  { kind: 'default-chain', label: 'AWS default chain', hint: 'environment, ~/.aws files, SSO, instance role — whatever the SDK finds' },
  { kind: 'named', label: 'Named profile', hint: 'a profile from ~/.aws/config or ~/.aws/credentials' },
  { kind: 'static', label: 'Static keys', hint: 'an access key id and secret; the secret goes to the OS keychain' },
  { kind: 'iam-role', label: 'IAM role', hint: 'the instance / container role (EC2, ECS, EKS metadata)' },
];

interface Props {
  profile: Profile | null;
  onDone: (saved: Profile | null) => void;
}

/** Add or edit a profile. The secret is write-only: typed here, never shown back. */
export function ProfileForm({ profile, onDone }: Props) {
  const save = useProfiles((s) => s.save);
  const awsConfig = useProfiles((s) => s.awsConfig);
  const [name, setName] = useState(profile?.name ?? '');
  const [kind, setKind] = useState<EditableKind>(profile && profile.kind !== 'sandbox' ? profile.kind : 'default-chain');
  const [region, setRegion] = useState(profile?.region ?? 'us-east-1');
  const [endpoint, setEndpoint] = useState(profile?.endpoint ?? '');
  const [pathStyle, setPathStyle] = useState(profile?.forcePathStyle ?? false);
  const [awsProfile, setAwsProfile] = useState(profile?.awsProfile ?? '');
  const [accessKeyId, setAccessKeyId] = useState(profile?.accessKeyId ?? '');
  const [secret, setSecret] = useState('');
  const [sessionToken, setSessionToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);

  useEffect(() => {
    if (kind === 'named' && awsConfig === null) void useProfiles.getState().loadAwsConfig();
  }, [kind, awsConfig]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input: ProfileInput = {
      ...(profile ? { id: profile.id } : {}),
      name: name.trim(),
      kind,
      region: region.trim() || 'us-east-1',
      forcePathStyle: pathStyle,
      ...(endpoint.trim() ? { endpoint: endpoint.trim() } : {}),
      ...(kind === 'named' && awsProfile ? { awsProfile } : {}),
      ...(kind === 'static'
        ? {
            ...(accessKeyId.trim() ? { accessKeyId: accessKeyId.trim() } : {}),
            ...(secret ? { secretAccessKey: secret } : {}),
            ...(sessionToken ? { sessionToken } : {}),
          }
        : {}),
    };
    setBusy(true);
    setError(null);
    try {
      const saved = await save(input);
      setSecret('');
      onDone(saved);
    } catch (err) {
      setError(errorShape(err));
    } finally {
      setBusy(false);
    }
  };

  const hint = KINDS.find((k) => k.kind === kind)?.hint;
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-label={profile ? `Edit ${profile.name}` : 'New profile'} data-testid="profile-form">
      <h3>{profile ? `Edit ${profile.name}` : 'New profile'}</h3>
      <Field label="Name">
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} autoFocus />
      </Field>
      <Field label="Credentials" {...(hint ? { hint } : {})}>
        <select value={kind} onChange={(e) => setKind(e.target.value as EditableKind)}>
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </Field>
      {kind === 'named' ? (
        <Field label="AWS profile" hint="SSO profiles need a current `aws sso login` session.">
          <select value={awsProfile} onChange={(e) => setAwsProfile(e.target.value)} required>
            <option value="">{awsConfig === null ? 'reading ~/.aws…' : awsConfig.length ? 'pick a profile' : 'no profiles found in ~/.aws'}</option>
            {(awsConfig ?? []).map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
                {p.sso ? ' [SSO]' : ''}
                {p.roleArn ? ' [assumes a role]' : ''}
                {p.region ? ` · ${p.region}` : ''}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      {kind === 'static' ? (
        <>
          <Field label="Access key id">
            <input value={accessKeyId} onChange={(e) => setAccessKeyId(e.target.value)} autoComplete="off" spellCheck={false} />
          </Field>
          <Field
            label="Secret access key"
            hintClass="ok-text"
            {...(profile?.hasSecret ? { hint: <span data-testid="secret-stored">secret stored</span> } : {})}
          >
            <input
              type="password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              autoComplete="new-password"
              placeholder={profile?.hasSecret ? 'leave empty to keep the stored secret' : ''}
            />
          </Field>
          <Field label="Session token (optional)">
            <input type="password" value={sessionToken} onChange={(e) => setSessionToken(e.target.value)} autoComplete="off" />
          </Field>
        </>
      ) : null}
      <div className="row gap">
        <Field label="Region" className="grow">
          <input value={region} onChange={(e) => setRegion(e.target.value)} placeholder="us-east-1" spellCheck={false} />
        </Field>
        <Field label="Custom endpoint (optional)" className="grow2">
          <input value={endpoint} onChange={(e) => setEndpoint(e.target.value)} placeholder="https://s3.example.com" spellCheck={false} />
        </Field>
      </div>
      <label className="check">
        <input type="checkbox" checked={pathStyle} onChange={(e) => setPathStyle(e.target.checked)} />
        Path-style addressing (endpoint/bucket/key — most non-AWS stores need this)
      </label>
      {error ? <ErrorText error={error} title="Not saved" /> : null}
      <div className="row gap end">
        <button type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save profile'}
        </button>
      </div>
    </form>
  );
}
