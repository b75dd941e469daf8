import { useEffect, useState } from 'react';
import { useBrowser } from '../store/browser';
import { useObjectPanel } from '../store/objectPanel';
import { useProfiles } from '../store/profiles';
import { BucketList } from './BucketList';
import { CreateBucketDialog } from './CreateBucketDialog';
import { DeleteDialog } from './DeleteDialog';
import { DownloadDialog } from './DownloadDialog';
import { ObjectBrowser } from './ObjectBrowser';
import { ObjectPanel } from './ObjectPanel';
import { SandboxBar } from './SandboxBar';
import { UploadDialog } from './UploadDialog';

type Modal = { kind: 'upload' } | { kind: 'download'; key: string } | { kind: 'delete'; keys: string[] } | { kind: 'create' } | null;

/** Buckets: profile selector, bucket list, prefix browser, object details, transfers. */
export function BucketsView() {
  const profiles = useProfiles((s) => s.profiles);
  const profilesLoaded = useProfiles((s) => s.loaded);
  const profileId = useBrowser((s) => s.profileId);
  const bucket = useBrowser((s) => s.bucket);
  const selected = useBrowser((s) => s.selected);
  const [modal, setModal] = useState<Modal>(null);
  const profile = profiles.find((p) => p.id === profileId);

  // pick a profile: the last used one if it still exists, else the first
  useEffect(() => {
    if (!profilesLoaded) return;
    const b = useBrowser.getState();
    const target = profile ?? profiles[0];
    if (target && (target.id !== b.profileId || (!b.buckets.length && !b.bucketsLoading && !b.bucketsError))) b.setProfile(target.id);
  }, [profilesLoaded, profiles, profile]);

  // the object panel follows a single selection
  const single = selected.size === 1 ? [...selected][0] : undefined;
  useEffect(() => {
    void useObjectPanel.getState().open(profileId && bucket && single ? { profileId, bucket, key: single } : null);
  }, [profileId, bucket, single]);

  const onDownload = (key: string) => setModal({ kind: 'download', key });
  const onDelete = (keys: string[]) => setModal({ kind: 'delete', keys });

  return (
    <div className="buckets-view">
      <header className="page-head">
        <h1>Buckets</h1>
        <label className="field inline">
          <span>Profile</span>
          <select value={profileId ?? ''} onChange={(e) => useBrowser.getState().setProfile(e.target.value)} aria-label="Profile" data-testid="profile-select">
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      </header>
      {profile?.kind === 'sandbox' ? <SandboxBar /> : null}
      <div className="buckets-body">
        <BucketList onCreate={() => setModal({ kind: 'create' })} />
        {bucket ? (
          <ObjectBrowser onUpload={() => setModal({ kind: 'upload' })} onDownload={onDownload} onDelete={onDelete} />
        ) : (
          <div className="browser empty-state">
            <p className="empty">{profilesLoaded && !profiles.length ? 'Add a profile first.' : 'Pick a bucket on the left.'}</p>
          </div>
        )}
        {bucket && single ? <ObjectPanel onDownload={onDownload} onDelete={onDelete} /> : null}
      </div>
      {modal?.kind === 'upload' ? <UploadDialog onClose={() => setModal(null)} /> : null}
      {modal?.kind === 'download' ? <DownloadDialog objectKey={modal.key} onClose={() => setModal(null)} /> : null}
      {modal?.kind === 'delete' ? <DeleteDialog keys={modal.keys} onClose={() => setModal(null)} /> : null}
      {modal?.kind === 'create' ? <CreateBucketDialog onClose={() => setModal(null)} /> : null}
    </div>
  );
}
