import { useState } from 'react';
import type { Profile } from '../../shared/contract';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useProfiles } from '../store/profiles';
import { DoctorPanel } from './DoctorPanel';
import { ProfileDetails, kindLabel } from './ProfileDetails';
import { ProfileForm } from './ProfileForm';

type Mode = { kind: 'view' } | { kind: 'new' } | { kind: 'edit'; profile: Profile };

/** Profiles: list (incl. the built-in "Local sandbox"), add/edit/delete, endpoint doctor. */
export function ProfilesView() {
  const profiles = useProfiles((s) => s.profiles);
  const remove = useProfiles((s) => s.remove);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const [confirmDelete, setConfirmDelete] = useState<Profile | null>(null);
  const selected = profiles.find((p) => p.id === selectedId) ?? profiles[0] ?? null;

  return (
    <div className="page">
      <header className="page-head">
        <h1>Profiles</h1>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setMode({ kind: 'new' })} data-testid="add-profile">
          Add profile
        </button>
      </header>
      <div className="split">
        <ul className="list-pane" aria-label="Profiles" data-testid="profile-list">
          {profiles.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className={p.id === selected?.id ? 'list-item active' : 'list-item'}
                aria-current={p.id === selected?.id ? 'true' : undefined}
                data-testid="profile-item"
                onClick={() => {
                  setSelectedId(p.id);
                  setMode({ kind: 'view' });
                }}
              >
                <span className="list-title">{p.name}</span>
                <span className="list-sub">
                  {kindLabel(p.kind)} · {p.region}
                  {p.endpoint ? ` · ${p.endpoint}` : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
        <div className="detail-pane">
          {mode.kind === 'new' || mode.kind === 'edit' ? (
            <ProfileForm
              key={mode.kind === 'edit' ? mode.profile.id : 'new'}
              profile={mode.kind === 'edit' ? mode.profile : null}
              onDone={(saved) => {
                if (saved) setSelectedId(saved.id);
                setMode({ kind: 'view' });
              }}
            />
          ) : selected ? (
            <>
              <ProfileDetails
                profile={selected}
                onEdit={() => setMode({ kind: 'edit', profile: selected })}
                onDelete={() => setConfirmDelete(selected)}
              />
              <DoctorPanel profile={selected} />
            </>
          ) : (
            <p className="empty">No profiles yet.</p>
          )}
        </div>
      </div>
      {confirmDelete ? (
        <ConfirmDialog
          title="Delete profile"
          confirmLabel="Delete"
          testId="confirm-delete-profile"
          onClose={() => setConfirmDelete(null)}
          onConfirm={() => {
            const p = confirmDelete;
            setConfirmDelete(null);
            void remove(p.id).then((ok) => ok && setSelectedId(null));
          }}
        >
          <p>
            Delete the profile <strong>{confirmDelete.name}</strong>? Its stored secret is removed too. Nothing in the buckets is
            touched.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
