// Vault configurations in <dataDir>/vaults.json; their passphrase or identity in the SecretStore
// under `vault:<id>`. One store per Core.
import { randomUUID } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { Vault, VaultInput } from '../../shared/vault';
import type { Core } from '../core';
import { AppError } from '../errors';
import { readJson, writeFileAtomic } from '../fsutil';
import { generateIdentity, isRecipient, parseIdentities, recipientOf, type AgeKey } from './age/index';

const Stored = Vault.omit({ hasSecret: true }).extend({
  /** scrypt work factor (log2 N) for new passphrase encryptions; only the demo vault sets one. */
  workFactor: z.number().int().min(1).max(22).optional(),
});
type Stored = z.infer<typeof Stored>;
const File = z.object({ vaults: z.array(Stored) });

const secretKey = (id: string) => `vault:${id}`;
type VaultInputParsed = z.output<typeof VaultInput>;

export class VaultStore {
  private readonly path: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private core: Core) {
    this.path = join(core.opts.dataDir, 'vaults.json');
  }

  private async load(): Promise<Stored[]> {
    const parsed = File.safeParse(await readJson<unknown>(this.path, { vaults: [] }));
    if (!parsed.success) throw new AppError('IO_ERROR', `vaults file is damaged: ${this.path}`, parsed.error.message);
    return parsed.data.vaults;
  }

  private mutate<T>(fn: (vaults: Stored[]) => Promise<T> | T): Promise<T> {
    const run = async () => {
      const vaults = await this.load();
      const out = await fn(vaults);
      await writeFileAtomic(this.path, JSON.stringify({ vaults }, null, 2), 0o600);
      return out;
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async view(s: Stored): Promise<Vault> {
    const { workFactor: _wf, ...rest } = s;
    void _wf;
    return { ...rest, hasSecret: (await this.core.secrets.get(secretKey(s.id))) !== undefined };
  }

  async list(): Promise<Vault[]> {
    return Promise.all((await this.load()).map((v) => this.view(v)));
  }

  async get(idOrName: string): Promise<Stored> {
    const all = await this.load();
    const v = all.find((x) => x.id === idOrName) ?? all.find((x) => x.name === idOrName);
    if (!v) throw new AppError('NOT_FOUND', `no vault "${idOrName}"`);
    return v;
  }

  async save(input: VaultInputParsed & { workFactor?: number }): Promise<Vault> {
    await this.core.profiles.get(input.profileId); // NOT_FOUND for an unknown profile
    if (!isAbsolute(input.localDir)) throw new AppError('BAD_INPUT', 'localDir: pick a folder (an absolute path)');
    let pendingSecret: string | undefined;
    const saved = await this.mutate(async (vaults) => {
      const prev = input.id ? vaults.find((v) => v.id === input.id) : undefined;
      if (input.id && !prev) throw new AppError('NOT_FOUND', `no vault ${input.id}`);
      if (vaults.some((v) => v.name === input.name && v.id !== input.id)) throw new AppError('CONFLICT', `a vault named "${input.name}" exists`);
      const id = prev?.id ?? input.id ?? randomUUID();
      const hadSecret = prev !== undefined && prev.keyKind === input.key.kind && (await this.core.secrets.get(secretKey(id))) !== undefined;
      let recipients: string[] = [];
      if (input.key.kind === 'passphrase') {
        pendingSecret = input.key.passphrase;
        if (!pendingSecret && !hadSecret) throw new AppError('BAD_INPUT', 'key.passphrase: enter the vault passphrase');
      } else {
        let identityText = input.key.identity;
        if (input.key.generate) identityText = generateIdentity().identity;
        if (identityText) {
          const ids = parseIdentities(identityText);
          if (!ids.length) throw new AppError('BAD_INPUT', 'key.identity: no AGE-SECRET-KEY-1… identity found');
          pendingSecret = ids.join('\n');
          recipients = ids.map(recipientOf);
        } else if (hadSecret) recipients = parseIdentities((await this.core.secrets.get(secretKey(id))) ?? '').map(recipientOf);
        else throw new AppError('BAD_INPUT', 'key.identity: paste an age identity or generate one');
        for (const r of input.key.recipients ?? []) {
          if (!isRecipient(r)) throw new AppError('BAD_INPUT', `key.recipients: ${r} is not an age recipient`);
          if (!recipients.includes(r)) recipients.push(r);
        }
      }
      const v: Stored = {
        id,
        name: input.name,
        profileId: input.profileId,
        bucket: input.bucket,
        prefix: input.prefix,
        localDir: input.localDir,
        retention: input.retention,
        keyKind: input.key.kind,
        recipients,
        createdAt: prev?.createdAt ?? new Date().toISOString(),
        ...(prev?.lastPush ? { lastPush: prev.lastPush } : {}),
        ...((input.workFactor ?? prev?.workFactor) ? { workFactor: input.workFactor ?? prev?.workFactor } : {}),
      };
      if (prev) vaults[vaults.indexOf(prev)] = v;
      else vaults.push(v);
      return v;
    });
    if (pendingSecret) await this.core.secrets.set(secretKey(saved.id), pendingSecret);
    return this.view(saved);
  }

  async delete(id: string): Promise<void> {
    await this.mutate((vaults) => {
      const i = vaults.findIndex((v) => v.id === id);
      if (i < 0) throw new AppError('NOT_FOUND', `no vault ${id}`);
      vaults.splice(i, 1);
    });
    await this.core.secrets.delete(secretKey(id));
  }

  async setLastPush(id: string, lastPush: NonNullable<Vault['lastPush']>): Promise<void> {
    await this.mutate((vaults) => {
      const v = vaults.find((x) => x.id === id);
      if (v) v.lastPush = lastPush;
    });
  }

  /** The age key of a stored vault, from its secret. */
  async key(v: Stored): Promise<AgeKey> {
    const secret = await this.core.secrets.get(secretKey(v.id));
    if (!secret) throw new AppError('WRONG_KEY', `vault "${v.name}" has no stored ${v.keyKind === 'passphrase' ? 'passphrase' : 'identity'}; edit the vault to enter it`);
    if (v.keyKind === 'passphrase') return { kind: 'passphrase', passphrase: secret, ...(v.workFactor ? { workFactor: v.workFactor } : {}) };
    const identities = parseIdentities(secret);
    return { kind: 'x25519', identities, recipients: [...new Set([...identities.map(recipientOf), ...v.recipients])] };
  }
}

export type StoredVault = Stored;

const stores = new WeakMap<Core, VaultStore>();
export function vaultStore(core: Core): VaultStore {
  let s = stores.get(core);
  if (!s) stores.set(core, (s = new VaultStore(core)));
  return s;
}
