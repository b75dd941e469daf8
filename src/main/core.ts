import type { S3Client } from '@aws-sdk/client-s3';
import { homedir } from 'node:os';
import { mkdir } from 'node:fs/promises';
import type { AppInfo, Profile } from '../shared/contract';
import { EventBus } from './bus';
import { JobRegistry } from './jobs/registry';
import { appVersion, downloadsDir } from './paths';
import { ProfileStore, SANDBOX_PROFILE_ID } from './profiles/profile-store';
import { FileSecretStore, type SecretStore } from './profiles/secret-store';
import { createS3Client, type ClientOptions, type ConnectionSpec } from './s3/client-factory';
import { Sandbox, SANDBOX_KEYS } from './sandbox/sandbox';
import { closeSharedCryptPool } from './workers/crypt-pool';
import { HashPool } from './workers/pool';

export interface CoreOptions {
  dataDir: string;
  transport: AppInfo['transport'];
  /** Electron passes a safeStorage-backed store; default is a 0600 file in dataDir. */
  secrets?: SecretStore;
  hashThreads?: number;
}

/** The services every transport shares. One per process. */
export class Core {
  readonly bus = new EventBus();
  readonly jobs = new JobRegistry(this.bus);
  readonly secrets: SecretStore;
  readonly profiles: ProfileStore;
  readonly sandbox: Sandbox;
  private hashPool?: HashPool;
  private clients = new Map<string, { key: string; client: S3Client }>();

  private constructor(readonly opts: CoreOptions) {
    this.secrets = opts.secrets ?? new FileSecretStore(opts.dataDir);
    this.profiles = new ProfileStore(opts.dataDir, this.secrets);
    this.sandbox = new Sandbox(opts.dataDir);
  }

  static async create(opts: CoreOptions): Promise<Core> {
    await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
    const core = new Core(opts);
    await core.profiles.ensureSandbox();
    return core;
  }

  get hash(): HashPool {
    this.hashPool ??= new HashPool(this.opts.hashThreads);
    return this.hashPool;
  }

  info(): AppInfo {
    return {
      version: appVersion(),
      dataDir: this.opts.dataDir,
      transport: this.opts.transport,
      homeDir: homedir(),
      downloadsDir: downloadsDir(),
    };
  }

  async spec(profileId: string): Promise<ConnectionSpec> {
    const profile: Profile = await this.profiles.get(profileId);
    const [secrets, doctor] = await Promise.all([this.profiles.secretsFor(profileId), this.profiles.doctor(profileId)]);
    const spec: ConnectionSpec = { profile, secrets, doctor };
    if (profile.id === SANDBOX_PROFILE_ID) spec.sandbox = { endpoint: await this.sandbox.endpoint(), ...SANDBOX_KEYS };
    return spec;
  }

  /** A cached client per profile; rebuilt when the profile, its secrets or its doctor result change. */
  async client(profileId: string, opts?: ClientOptions): Promise<{ client: S3Client; spec: ConnectionSpec }> {
    const spec = await this.spec(profileId);
    if (opts) return { client: createS3Client(spec, opts), spec };
    const key = JSON.stringify([spec.profile, spec.secrets, spec.doctor?.checksumMode, spec.sandbox?.endpoint]);
    const cached = this.clients.get(profileId);
    if (cached?.key === key) return { client: cached.client, spec };
    cached?.client.destroy();
    const client = createS3Client(spec);
    this.clients.set(profileId, { key, client });
    return { client, spec };
  }

  async close(): Promise<void> {
    await this.jobs.closeAll();
    for (const { client } of this.clients.values()) client.destroy();
    this.clients.clear();
    await this.hashPool?.close();
    await closeSharedCryptPool();
    await this.sandbox.stop();
  }
}
