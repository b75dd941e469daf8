// Export of an X25519 vault's identity as an age identity file (the format age-keygen writes), so
// the vault opens without S3 Deck: `age -d -i FILE vault.tar.aes | tar x`. The secret goes from
// the SecretStore straight to disk; it never crosses the IPC contract.
import { writeFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { AppError } from '../errors';
import { recipientOf } from './age/index';
import { vaultStore } from './store';
import type { Core } from '../core';

/** Writes the identity file at `path` (absolute; never overwritten; owner-only permissions). */
export async function exportIdentity(core: Core, idOrName: string, path: string, now = new Date()): Promise<{ path: string; recipients: string[] }> {
  if (!isAbsolute(path)) throw new AppError('BAD_INPUT', `give the identity file an absolute path (got ${path})`);
  const store = vaultStore(core);
  const vault = await store.get(idOrName);
  if (vault.keyKind !== 'x25519') throw new AppError('BAD_INPUT', `vault "${vault.name}" is encrypted with a passphrase: there is no identity file to export`);
  const key = await store.key(vault);
  if (key.kind !== 'x25519' || key.identities.length === 0) throw new AppError('WRONG_KEY', `vault "${vault.name}" has no stored identity`);
  const recipients = key.identities.map(recipientOf);
  const text = key.identities.map((id, i) => `# created: ${now.toISOString()}\n# public key: ${recipients[i]}\n# S3 Deck vault: ${vault.name}\n${id}\n`).join('');
  try {
    await writeFile(path, text, { flag: 'wx', mode: 0o600 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new AppError('CONFLICT', `${path} already exists; pick another name (an identity file is never overwritten)`);
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `the folder of ${path} does not exist`);
    throw new AppError('IO_ERROR', `cannot write ${path}`, String(e));
  }
  return { path, recipients };
}
