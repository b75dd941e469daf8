import { useEffect, useState } from 'react';
import type { Profile } from '../../shared/contract';
import { useProfiles } from '../store/profiles';
import { DoctorResultTable } from './DoctorResultTable';

/** "Run doctor" on a bucket of this profile; shows the last result (doctor.get). */
export function DoctorPanel({ profile }: { profile: Profile }) {
  const id = profile.id;
  const result = useProfiles((s) => s.doctor[id]);
  const running = useProfiles((s) => !!s.doctorRunning[id]);
  const choices = useProfiles((s) => s.bucketChoices[id]);
  const { loadDoctor, loadBucketChoices, runDoctor } = useProfiles.getState();
  const [bucket, setBucket] = useState('');

  useEffect(() => {
    setBucket('');
    void loadBucketChoices(id);
  }, [id, loadBucketChoices]);

  useEffect(() => {
    if (result === undefined) void loadDoctor(id);
  }, [id, result, loadDoctor]);

  useEffect(() => {
    if (bucket) return;
    const guess = result?.bucket ?? choices?.[0]?.name;
    if (guess) setBucket(guess);
  }, [result, choices, bucket]);

  const listId = `doctor-buckets-${id}`;
  return (
    <section className="card" aria-labelledby={`doctor-h-${id}`} data-testid="doctor-panel">
      <h3 id={`doctor-h-${id}`}>Endpoint doctor</h3>
      <p className="muted small">
        Probes what this endpoint really supports (versioning, conditional writes, checksums, SSE, multipart ETags, clock
        skew) with scratch objects in the bucket you pick, then cleans up.
      </p>
      <form
        className="row gap"
        onSubmit={(e) => {
          e.preventDefault();
          if (bucket.trim()) void runDoctor(id, bucket.trim());
        }}
      >
        <label className="field inline">
          <span>Bucket</span>
          <input
            list={listId}
            value={bucket}
            onChange={(e) => setBucket(e.target.value)}
            placeholder={choices === undefined ? 'loading buckets…' : choices.length ? 'pick or type a bucket' : 'type a bucket name'}
            aria-label="Doctor bucket"
            data-testid="doctor-bucket"
          />
          <datalist id={listId}>
            {(choices ?? []).map((b) => (
              <option key={b.name} value={b.name} />
            ))}
          </datalist>
        </label>
        <button type="submit" className="primary" disabled={running || !bucket.trim()} data-testid="run-doctor">
          {running ? 'Running doctor…' : 'Run doctor'}
        </button>
      </form>
      {running ? <p className="muted small">Probing — this takes a few seconds.</p> : null}
      {result === undefined ? (
        <p className="muted">Loading the last result…</p>
      ) : result === null ? (
        <p className="muted" data-testid="doctor-none">
          The doctor has not run on this profile yet.
        </p>
      ) : (
        <DoctorResultTable r={result} />
      )}
    </section>
  );
}
