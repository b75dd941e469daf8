import { useEffect, useId, useState, type FormEvent } from 'react';
import type { AppErrorShape, ConflictPolicy, Datastore, DatastoreInput } from '../../../shared/contract';
import { errorShape } from '../../client';
import { Dialog } from '../../components/Dialog';
import { ErrorText } from '../../components/ErrorText';
import { Field } from '../../components/Field';
import { LocalPicker } from '../../components/LocalPicker';
import { ProfileBucketFields } from '../../components/ProfileBucketFields';
import { useDatastores } from '../../store/datastore';
import { useLocal } from '../../store/local';
import { useProfiles } from '../../store/profiles';

const POLICIES: Array<{ policy: ConflictPolicy; label: string }> = [
  { policy: 'keep-both', label: 'Keep both (local copy renamed name.conflict-<host>-<time>)' },
  { policy: 'local', label: 'Prefer local' },
  { policy: 'remote', label: 'Prefer remote' },
  { policy: 'ask', label: 'Ask me in the plan' },
];

const splitNamespaces = (s: string): string[] => [...new Set(s.split(/[\s,]+/).filter(Boolean))];

/** Add or edit a datastore. Saving never touches S3 or the cache folder. */
export function DatastoreForm({ datastore, onDone }: { datastore: Datastore | null; onDone: () => void }) {
  const profiles = useProfiles((s) => s.profiles);
  const [name, setName] = useState(datastore?.name ?? '');
  const [profileId, setProfileId] = useState(datastore?.profileId ?? profiles[0]?.id ?? '');
  const [bucket, setBucket] = useState(datastore?.bucket ?? '');
  const [prefix, setPrefix] = useState(datastore?.prefix ?? '');
  const [localDir, setLocalDir] = useState(datastore?.localDir ?? '');
  const [pull, setPull] = useState(datastore?.pullConcurrency ?? 50);
  const [push, setPush] = useState(datastore?.pushConcurrency ?? 25);
  const [namespaces, setNamespaces] = useState((datastore?.namespaces ?? []).join(', '));
  const [policy, setPolicy] = useState<ConflictPolicy>(datastore?.conflictPolicy ?? 'keep-both');
  const [guard, setGuard] = useState(datastore?.deleteGuardPercent ?? 50);
  const formId = useId();
  const [picking, setPicking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);
  const buckets = useProfiles((s) => (profileId ? s.bucketChoices[profileId] : undefined));

  useEffect(() => {
    if (!profileId && profiles[0]) setProfileId(profiles[0].id);
  }, [profileId, profiles]);
  useEffect(() => {
    if (profileId && buckets === undefined) void useProfiles.getState().loadBucketChoices(profileId);
  }, [profileId, buckets]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input: DatastoreInput = {
      ...(datastore ? { id: datastore.id } : {}),
      name: name.trim(),
      profileId,
      bucket: bucket.trim(),
      prefix: prefix.trim().replace(/^\/+|\/+$/g, ''),
      localDir: localDir.trim(),
      pullConcurrency: pull,
      pushConcurrency: push,
      namespaces: splitNamespaces(namespaces),
      conflictPolicy: policy,
      deleteGuardPercent: guard,
    };
    setBusy(true);
    setError(null);
    try {
      await useDatastores.getState().save(input);
      onDone();
    } catch (err) {
      setError(errorShape(err));
    } finally {
      setBusy(false);
    }
  };

  const title = datastore ? `Edit ${datastore.name}` : 'New datastore';
  return (
    <>
      <form className="card form ds-form" onSubmit={(e) => void submit(e)} aria-label={title} data-testid="datastore-form">
        <h3>{title}</h3>
        <Field label="Name">
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={80} autoFocus />
        </Field>
        <div className="row gap">
          <ProfileBucketFields
            profileId={profileId}
            onProfileId={setProfileId}
            bucket={bucket}
            onBucket={setBucket}
            buckets={buckets ?? []}
            listId="ds-buckets"
          />
        </div>
        <Field label="Prefix" hint="Objects live under bucket/prefix/…; empty for the whole bucket.">
          <input value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="team/datastore" spellCheck={false} />
        </Field>
        <div className="field">
          <label htmlFor={`${formId}-dir`}>Local cache folder</label>
          <div className="row gap">
            <input
              id={`${formId}-dir`}
              className="grow"
              value={localDir}
              onChange={(e) => setLocalDir(e.target.value)}
              required
              spellCheck={false}
              aria-describedby={`${formId}-dir-hint`}
              data-testid="ds-local-dir"
            />
            <button type="button" onClick={() => setPicking(true)} data-testid="ds-browse">
              Browse…
            </button>
          </div>
          <small id={`${formId}-dir-hint`} className="muted">
            Created if missing. Files here are mirrored to the prefix.
          </small>
        </div>
        <Field label="Namespaces (optional)" hint="Top-level folders synced separately, each with its own lock; comma-separated.">
          <input value={namespaces} onChange={(e) => setNamespaces(e.target.value)} placeholder="models, datasets" spellCheck={false} />
        </Field>
        <div className="row gap">
          <Field label="Download concurrency" className="grow">
            <input type="number" min={1} max={256} value={pull} onChange={(e) => setPull(Number(e.target.value))} />
          </Field>
          <Field label="Upload concurrency" className="grow">
            <input type="number" min={1} max={256} value={push} onChange={(e) => setPush(Number(e.target.value))} />
          </Field>
          <Field label="Delete guard %" className="grow">
            <input type="number" min={0} max={100} value={guard} onChange={(e) => setGuard(Number(e.target.value))} />
          </Field>
        </div>
        <Field label="Conflicts" hint="When a file changed on both sides (or changed on one, deleted on the other).">
          <select value={policy} onChange={(e) => setPolicy(e.target.value as ConflictPolicy)}>
            {POLICIES.map((p) => (
              <option key={p.policy} value={p.policy}>
                {p.label}
              </option>
            ))}
          </select>
        </Field>
        {error ? <ErrorText error={error} title="Not saved" /> : null}
        <div className="row gap end">
          <button type="button" onClick={onDone}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy} data-testid="datastore-save">
            {busy ? 'Saving…' : 'Save datastore'}
          </button>
        </div>
      </form>
      {/* outside the form: the picker has its own form, and React events bubble through portals/nesting */}
      {picking ? <FolderDialog start={localDir} onPick={setLocalDir} onClose={() => setPicking(false)} /> : null}
    </>
  );
}

/** The built-in picker used for a folder: navigate into it, then "Use this folder". */
function FolderDialog({ start, onPick, onClose }: { start: string; onPick: (path: string) => void; onClose: () => void }) {
  const current = useLocal((s) => s.listing?.path ?? null);
  useEffect(() => {
    if (start) void useLocal.getState().navigate(start);
  }, [start]);
  return (
    <Dialog
      title="Local cache folder"
      onClose={onClose}
      wide
      testId="folder-dialog"
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={!current}
            onClick={() => {
              if (current) onPick(current);
              onClose();
            }}
          >
            Use this folder
          </button>
        </>
      }
    >
      <p className="muted small">
        Open the folder to use, then press <strong>Use this folder</strong>: <code>{current ?? '…'}</code>
      </p>
      <LocalPicker />
    </Dialog>
  );
}
