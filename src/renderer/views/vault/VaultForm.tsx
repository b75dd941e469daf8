import { useEffect, useState, type FormEvent } from 'react';
import type { AppErrorShape, BucketInfo, Vault, VaultInput } from '../../../shared/contract';
import { call, errorShape } from '../../client';
import { Field } from '../../components/Field';
import { ProfileBucketFields } from '../../components/ProfileBucketFields';
import { useProfiles } from '../../store/profiles';
import { useVault } from '../../store/vault';
import { FolderPicker } from './FolderPicker';
import { VaultError } from './VaultError';

type KeyKind = 'passphrase' | 'x25519';
type IdSource = 'generate' | 'paste';

/** Add or edit a vault. Secrets are write-only: typed here, kept in the secret store by the core, never shown back. */
export function VaultForm({ vault, onDone }: { vault: Vault | null; onDone: () => void }) {
  const profiles = useProfiles((s) => s.profiles);
  const [name, setName] = useState(vault?.name ?? '');
  const [profileId, setProfileId] = useState(vault?.profileId ?? profiles[0]?.id ?? '');
  const [bucket, setBucket] = useState(vault?.bucket ?? '');
  const [prefix, setPrefix] = useState(vault?.prefix ?? 'tazpod');
  const [localDir, setLocalDir] = useState(vault?.localDir ?? '');
  const [retention, setRetention] = useState(String(vault?.retention ?? 50));
  const [kind, setKind] = useState<KeyKind>(vault?.keyKind ?? 'passphrase');
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [idSource, setIdSource] = useState<IdSource>(vault?.keyKind === 'x25519' ? 'paste' : 'generate');
  const [identity, setIdentity] = useState('');
  const [recipients, setRecipients] = useState(vault?.recipients.join('\n') ?? '');
  const [browse, setBrowse] = useState(false);
  const [buckets, setBuckets] = useState<BucketInfo[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);
  // editing without typing a new secret keeps the stored one
  const keeping = !!vault && vault.hasSecret && vault.keyKind === kind;

  useEffect(() => {
    if (!profileId) return;
    let live = true;
    call('buckets.list', { profileId }).then(
      (b) => live && setBuckets(b),
      () => live && setBuckets([]), // only suggestions: the field still takes any name
    );
    return () => {
      live = false;
    };
  }, [profileId]);

  const mismatch = kind === 'passphrase' && passphrase !== repeat;
  const missingSecret = !keeping && (kind === 'passphrase' ? !passphrase : idSource === 'paste' && !identity.trim());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const extra = recipients.split(/\s+/).filter(Boolean);
    const key: VaultInput['key'] =
      kind === 'passphrase'
        ? { kind, ...(passphrase ? { passphrase } : {}) }
        : {
            kind,
            ...(idSource === 'generate' && !keeping ? { generate: true } : {}),
            ...(idSource === 'paste' && identity.trim() ? { identity: identity.trim() } : {}),
            ...(extra.length ? { recipients: extra } : {}),
          };
    const input: VaultInput = {
      ...(vault ? { id: vault.id } : {}),
      name: name.trim(),
      profileId,
      bucket: bucket.trim(),
      prefix: prefix.trim().replace(/^\/+|\/+$/g, '') || 'tazpod',
      localDir: localDir.trim(),
      retention: Number(retention) || 50,
      key,
    };
    setBusy(true);
    setError(null);
    try {
      await useVault.getState().save(input);
      onDone();
    } catch (err) {
      setError(errorShape(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card form vault-form" onSubmit={(e) => void submit(e)} aria-label={vault ? `Edit ${vault.name}` : 'New vault'} data-testid="vault-form">
      <h3>{vault ? `Edit ${vault.name}` : 'New vault'}</h3>
      <Field label="Name">
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} autoFocus />
      </Field>
      <div className="row gap form-row">
        <ProfileBucketFields
          profileId={profileId}
          onProfileId={setProfileId}
          bucket={bucket}
          onBucket={setBucket}
          buckets={buckets}
          listId="vault-buckets"
        />
        <Field label="Prefix" className="grow" hint={<code>{`${prefix || 'tazpod'}/vault/vault.tar.aes`}</code>}>
          <input value={prefix} onChange={(e) => setPrefix(e.target.value)} spellCheck={false} />
        </Field>
      </div>
      <Field label="Local folder" hint="What Push packs, and where your working copy lives.">
        <input value={localDir} onChange={(e) => setLocalDir(e.target.value)} required spellCheck={false} data-testid="vault-local-input" />
      </Field>
      <div>
        <button type="button" className="small" onClick={() => setBrowse(!browse)} aria-expanded={browse}>
          {browse ? 'Hide folders' : 'Browse…'}
        </button>
      </div>
      {browse ? (
        <FolderPicker
          {...(localDir ? { start: localDir } : {})}
          onPick={(p) => {
            setLocalDir(p);
            setBrowse(false);
          }}
        />
      ) : null}
      <Field label="Keep versions" hint="Older history versions are pruned after each push.">
        <input type="number" min={1} max={100000} value={retention} onChange={(e) => setRetention(e.target.value)} />
      </Field>
      <fieldset className="key-fieldset">
        <legend>Encryption (age)</legend>
        <div className="row gap">
          <label className="check">
            <input type="radio" name="key-kind" checked={kind === 'passphrase'} onChange={() => setKind('passphrase')} /> Passphrase (scrypt)
          </label>
          <label className="check">
            <input type="radio" name="key-kind" checked={kind === 'x25519'} onChange={() => setKind('x25519')} /> X25519 identity (age-keygen)
          </label>
        </div>
        {kind === 'passphrase' ? (
          <div className="row gap form-row">
            <Field label="Passphrase" className="grow" {...(keeping ? { hint: 'Leave empty to keep the stored one.' } : {})}>
              <input type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="new-password" data-testid="vault-passphrase" />
            </Field>
            <Field label="Repeat passphrase" className="grow" {...(mismatch && repeat ? { hint: 'does not match', hintClass: 'error-text' } : {})}>
              <input type="password" value={repeat} onChange={(e) => setRepeat(e.target.value)} autoComplete="new-password" data-testid="vault-passphrase-repeat" />
            </Field>
          </div>
        ) : (
          <>
            <div className="row gap">
              <label className="check">
                <input type="radio" name="id-source" checked={idSource === 'generate'} onChange={() => setIdSource('generate')} />
                {keeping ? 'Keep the stored identity' : 'Generate a new identity'}
              </label>
              <label className="check">
                <input type="radio" name="id-source" checked={idSource === 'paste'} onChange={() => setIdSource('paste')} /> Paste an identity
              </label>
            </div>
            {idSource === 'paste' ? (
              <Field label="Identity" hint="AGE-SECRET-KEY-1… or the text of an age identity file (age-keygen output).">
                <textarea className="mono" rows={3} value={identity} onChange={(e) => setIdentity(e.target.value)} spellCheck={false} autoComplete="off" />
              </Field>
            ) : (
              <p className="muted small">
                A generated identity stays in this app’s secret store. To also open the vault with the <code>age</code> command line, paste
                an identity you keep elsewhere instead, or add your own <code>age1…</code> recipient below.
              </p>
            )}
            <Field label="Extra recipients (optional)" hint="age1… public keys, one per line, that can also decrypt new versions.">
              <textarea className="mono" rows={2} value={recipients} onChange={(e) => setRecipients(e.target.value)} spellCheck={false} />
            </Field>
          </>
        )}
      </fieldset>
      {error ? <VaultError error={error} what="Not saved" /> : null}
      <div className="row gap end">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy || mismatch || missingSecret || !profileId} data-testid="vault-save">
          {busy ? 'Saving…' : 'Save vault'}
        </button>
      </div>
    </form>
  );
}
