import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { DoctorResult, Profile, type ProfileInputParsed } from '../../shared/contract';
import { AppError } from '../errors';
import { readJson, writeFileAtomic } from '../fsutil';
import type { SecretStore } from './secret-store';

export const SANDBOX_PROFILE_ID = 'sandbox';
const secretKey = (id: string) => `profile:${id}:secretAccessKey`;
const tokenKey = (id: string) => `profile:${id}:sessionToken`;

// doctor results per profile, per bucket: one endpoint can behave differently by bucket
// (Ceph ignores If-None-Match on versioned buckets, for example)
const ProfilesFile = z.object({
  profiles: z.array(Profile),
  doctor: z.record(z.string(), z.record(z.string(), DoctorResult)),
});
type ProfilesFile = z.infer<typeof ProfilesFile>;

export interface ResolvedSecrets {
  secretAccessKey?: string;
  sessionToken?: string;
}

/** Connection profiles, persisted in <dataDir>/profiles.json; secrets go to the SecretStore. */
export class ProfileStore {
  private readonly path: string;
  private cache?: ProfilesFile;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, private secrets: SecretStore) {
    this.path = join(dataDir, 'profiles.json');
  }

  private async load(): Promise<ProfilesFile> {
    if (!this.cache) {
      const raw = await readJson<unknown>(this.path, { profiles: [], doctor: {} });
      const parsed = ProfilesFile.safeParse(raw);
      if (!parsed.success) throw new AppError('IO_ERROR', `profiles file is damaged: ${this.path}`, parsed.error.message);
      this.cache = parsed.data;
    }
    return this.cache;
  }

  private mutate<T>(fn: (f: ProfilesFile) => Promise<T> | T): Promise<T> {
    const run = async () => {
      const f = await this.load();
      const out = await fn(f);
      await writeFileAtomic(this.path, JSON.stringify(f, null, 2), 0o600);
      return out;
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async list(): Promise<Profile[]> {
    return [...(await this.load()).profiles];
  }

  async get(id: string): Promise<Profile> {
    const p = (await this.load()).profiles.find((x) => x.id === id);
    if (!p) throw new AppError('NOT_FOUND', `no profile with id "${id}"`);
    return p;
  }

  async save(input: ProfileInputParsed): Promise<Profile> {
    const id = input.id ?? randomUUID();
    if (id === SANDBOX_PROFILE_ID) throw new AppError('BAD_INPUT', 'the sandbox profile is managed by the app');
    if (input.secretAccessKey) await this.secrets.set(secretKey(id), input.secretAccessKey);
    if (input.sessionToken) await this.secrets.set(tokenKey(id), input.sessionToken);
    return this.mutate(async (f) => {
      const existing = f.profiles.find((p) => p.id === id);
      if (input.id && !existing) throw new AppError('NOT_FOUND', `no profile with id "${id}"`);
      const hasSecret = input.kind === 'static' && (Boolean(input.secretAccessKey) || Boolean(existing?.hasSecret));
      if (input.kind === 'static' && !hasSecret)
        throw new AppError('BAD_INPUT', 'static keys need a secret access key');
      const profile: Profile = {
        id,
        name: input.name,
        kind: input.kind,
        region: input.region,
        forcePathStyle: input.forcePathStyle,
        hasSecret,
        createdAt: existing?.createdAt ?? new Date().toISOString(),
        ...(input.endpoint ? { endpoint: input.endpoint.replace(/\/+$/, '') } : {}),
        ...(input.kind === 'named' && input.awsProfile ? { awsProfile: input.awsProfile } : {}),
        ...(input.kind === 'static' && input.accessKeyId ? { accessKeyId: input.accessKeyId } : {}),
      };
      if (existing) f.profiles[f.profiles.indexOf(existing)] = profile;
      else f.profiles.push(profile);
      delete f.doctor[id]; // connection changed: the old diagnosis no longer applies
      return profile;
    });
  }

  /** Adds the built-in sandbox profile if it is missing (first launch). */
  async ensureSandbox(): Promise<Profile> {
    const found = (await this.load()).profiles.find((p) => p.id === SANDBOX_PROFILE_ID);
    if (found) return found;
    return this.mutate((f) => {
      const p: Profile = {
        id: SANDBOX_PROFILE_ID,
        name: 'Local sandbox',
        kind: 'sandbox',
        region: 'us-east-1',
        forcePathStyle: true,
        hasSecret: false,
        createdAt: new Date().toISOString(),
      };
      f.profiles.unshift(p);
      return p;
    });
  }

  async delete(id: string): Promise<void> {
    await this.mutate((f) => {
      const i = f.profiles.findIndex((p) => p.id === id);
      if (i < 0) throw new AppError('NOT_FOUND', `no profile with id "${id}"`);
      f.profiles.splice(i, 1);
      delete f.doctor[id];
    });
    await this.secrets.delete(secretKey(id));
    await this.secrets.delete(tokenKey(id));
  }

  async secretsFor(id: string): Promise<ResolvedSecrets> {
    const [secretAccessKey, sessionToken] = await Promise.all([
      this.secrets.get(secretKey(id)),
      this.secrets.get(tokenKey(id)),
    ]);
    return { ...(secretAccessKey ? { secretAccessKey } : {}), ...(sessionToken ? { sessionToken } : {}) };
  }

  /** The doctor result for that bucket, or (no bucket given or not probed) the most recent one. */
  async doctor(id: string, bucket?: string): Promise<DoctorResult | null> {
    const byBucket = (await this.load()).doctor[id] ?? {};
    if (bucket && byBucket[bucket]) return byBucket[bucket];
    return Object.values(byBucket).sort((a, b) => b.ranAt.localeCompare(a.ranAt))[0] ?? null;
  }

  async setDoctor(result: DoctorResult): Promise<void> {
    await this.mutate((f) => {
      if (!f.profiles.some((p) => p.id === result.profileId)) return;
      f.doctor[result.profileId] = { ...f.doctor[result.profileId], [result.bucket]: result };
    });
  }
}
