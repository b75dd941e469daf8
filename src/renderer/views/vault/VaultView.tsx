// SCAFFOLD: replaced by the vault view.
export function VaultView() {
  return <p className="muted">Vault: coming in this release.</p>;
}
