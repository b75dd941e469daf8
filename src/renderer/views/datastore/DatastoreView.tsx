// SCAFFOLD: replaced by the datastore view.
export function DatastoreView() {
  return <p className="muted">Datastore: coming in this release.</p>;
}
