import { useEffect } from 'react';
import { ConnectionBanner } from './components/ConnectionBanner';
import { ErrorBoundary } from './components/ErrorBoundary';
import { JobsDock } from './components/JobsDock';
import { Sidebar } from './components/Sidebar';
import { Toasts } from './components/Toasts';
import { useApp } from './store/app';
import { startJobs } from './store/jobs';
import { useProfiles } from './store/profiles';
import { ActivityView } from './views/ActivityView';
import { BucketsView } from './views/BucketsView';
import { DatastoreView } from './views/datastore/DatastoreView';
import { ProfilesView } from './views/ProfilesView';
import { VaultView } from './views/vault/VaultView';

export function App() {
  const view = useApp((s) => s.view);
  useEffect(() => {
    startJobs();
    void useApp.getState().loadInfo();
    void useProfiles.getState().load();
  }, []);
  return (
    <div className="app">
      <Sidebar />
      <div className="main">
        <ConnectionBanner />
        <div className="view-wrap">
          <main className="view" data-testid={`view-${view}`}>
            <ErrorBoundary key={view} area={view}>
              {view === 'buckets' ? (
                <BucketsView />
              ) : view === 'vault' ? (
                <VaultView />
              ) : view === 'datastore' ? (
                <DatastoreView />
              ) : view === 'profiles' ? (
                <ProfilesView />
              ) : (
                <ActivityView />
              )}
            </ErrorBoundary>
          </main>
          <Toasts />
        </div>
        <JobsDock />
      </div>
    </div>
  );
}
