// Public surface of the core, used by electron/main.ts, the CLI and benchmarks.
export { Core, type CoreOptions } from './core';
export { createApi, type Api } from './api';
export { startHost, type HostHandle } from './host/server';
export { RENDERER_CSP } from './host/csp';
export { rendererFile } from './host/static-files';
export { HashPool } from './workers/pool';
export { defaultDataDir } from './paths';
export type { SecretStore } from './profiles/secret-store';
