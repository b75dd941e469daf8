import type { BucketInfo } from '../../shared/contract';
import { useProfiles } from '../store/profiles';
import { Field } from './Field';

interface Props {
  profileId: string;
  onProfileId: (id: string) => void;
  bucket: string;
  onBucket: (name: string) => void;
  /** Suggestions for the bucket field (it still takes any name). */
  buckets: readonly BucketInfo[];
  /** Id of the <datalist> of suggestions (unique on the page). */
  listId: string;
}

/** The Profile select and the Bucket input with the profile's buckets as suggestions; place inside a row. */
export function ProfileBucketFields({ profileId, onProfileId, bucket, onBucket, buckets, listId }: Props) {
  const profiles = useProfiles((s) => s.profiles);
  return (
    <>
      <Field label="Profile" className="grow">
        <select value={profileId} onChange={(e) => onProfileId(e.target.value)} required>
          {profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Bucket" className="grow">
        <input value={bucket} onChange={(e) => onBucket(e.target.value)} list={listId} required spellCheck={false} />
      </Field>
      <datalist id={listId}>
        {buckets.map((b) => (
          <option key={b.name} value={b.name} />
        ))}
      </datalist>
    </>
  );
}
