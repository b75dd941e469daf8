// A fake preload bridge (window.s3deck) for specs that drive the renderer alone. Page scripts run
// through addInitScript and must be self-contained, so this goes in two steps: `addFakeBridge` first
// installs the runtime (window.__fakeBridge), then the spec's own script, which calls it with its
// profile, buckets and the outputs of the channels it serves.
import type { Page } from '@playwright/test';

export type FakeOutputs = Record<string, (input: Record<string, unknown>) => unknown>;

export interface FakeBridgeSpec {
  /** The one profile the app lists (region us-east-1, path-style; a sandbox profile has no secret). */
  profile: { id: string; name: string; kind?: 'static' | 'sandbox'; createdAt?: string };
  /** What buckets.list returns for it. */
  buckets: string[];
  /** Channel → output (or throw an error shape). app.info, profiles.list, buckets.list, doctor.get and job.list are served. */
  outputs: FakeOutputs;
}

export interface FakeBridge {
  /** Delivers an event to the page's subscribers, shortly after. */
  emit(topic: string, payload: unknown): void;
}

declare global {
  interface Window {
    __fakeBridge: (spec: FakeBridgeSpec) => FakeBridge;
  }
}

/** Runs in the page: defines window.__fakeBridge. */
function fakeBridgeRuntime(): void {
  window.__fakeBridge = ({ profile, buckets, outputs }) => {
    type Listener = (payload: unknown) => void;
    const listeners: Record<string, Listener[]> = {};
    const kind = profile.kind ?? 'static';
    const served: FakeOutputs = {
      'app.info': () => ({ version: 'test', dataDir: '/tmp', transport: 'test', homeDir: '/tmp', downloadsDir: '/tmp' }),
      'profiles.list': () => [
        {
          id: profile.id,
          name: profile.name,
          kind,
          region: 'us-east-1',
          forcePathStyle: true,
          hasSecret: kind !== 'sandbox',
          createdAt: profile.createdAt ?? new Date().toISOString(),
        },
      ],
      'buckets.list': () => buckets.map((name) => ({ name })),
      'doctor.get': () => null,
      'job.list': () => [],
      ...outputs,
    };
    (window as unknown as { s3deck: unknown }).s3deck = {
      invoke: async (channel: string, input: Record<string, unknown>) => {
        const f = served[channel];
        if (!f) return { ok: false, error: { code: 'UNAVAILABLE', message: `fake bridge: no ${channel}` } };
        try {
          return { ok: true, output: f(input) };
        } catch (error) {
          return { ok: false, error };
        }
      },
      subscribe: (topic: string, cb: Listener) => {
        (listeners[topic] ??= []).push(cb);
        return () => undefined;
      },
    };
    return { emit: (topic, payload) => setTimeout(() => (listeners[topic] ?? []).forEach((l) => l(payload)), 30) };
  };
}

/** Before the page loads: the fake bridge runtime, then `script(arg)` in the page (it calls window.__fakeBridge). */
export async function addFakeBridge<A>(page: Page, script: (arg: A) => void, arg: A): Promise<void> {
  await page.addInitScript(fakeBridgeRuntime);
  await page.addInitScript(script as (arg: unknown) => void, arg);
}
