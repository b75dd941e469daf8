import type { HandlersOf } from '../api-types';
import type { Core } from '../core';
import { savedTarget } from './connect';
import { DatastoreService } from './service';

/** One service per core (the plans it keeps in memory must outlive a single call). */
const services = new WeakMap<Core, DatastoreService>();
export function datastoreService(core: Core): DatastoreService {
  let s = services.get(core);
  if (!s) services.set(core, (s = new DatastoreService(core)));
  return s;
}

export function datastoreHandlers(core: Core): HandlersOf<'datastore'> {
  const svc = datastoreService(core);
  const target = async (id: string) => savedTarget(core, await svc.store.get(id));
  return {
    'datastore.list': () => svc.store.list(),
    'datastore.save': async (input) => {
      await core.profiles.get(input.profileId); // NOT_FOUND for an unknown profile
      return svc.store.save(input);
    },
    'datastore.delete': async ({ datastoreId }) => {
      await svc.store.delete(datastoreId);
      return { ok: true as const };
    },
    'datastore.status': async ({ datastoreId, namespace }) => svc.status(await target(datastoreId), namespace ?? null),
    'datastore.plan': async ({ datastoreId, namespace }) => {
      const t = await target(datastoreId);
      const title = `Plan sync of ${t.ds.name}${namespace ? ` / ${namespace}` : ''}`;
      return core.jobs.start('datastore.plan', title, (ctx) => svc.plan(t, namespace ?? null, ctx));
    },
    'datastore.sync': async ({ datastoreId, ...o }) => {
      const p = svc.preflight(datastoreId, o);
      const title = `Sync ${p.target.ds.name}${p.namespace ? ` / ${p.namespace}` : ''}`;
      return core.jobs.start('datastore.sync', title, (ctx) => svc.sync(datastoreId, o, ctx));
    },
    'datastore.lockStatus': async ({ datastoreId, namespace }) => svc.lockStatus(await target(datastoreId), namespace ?? null),
    'datastore.lockBreak': async ({ datastoreId, namespace, etag, force }) => {
      await svc.lockBreak(await target(datastoreId), namespace ?? null, etag, Boolean(force));
      return { ok: true as const };
    },
    'datastore.history': ({ datastoreId }) => svc.store.history(datastoreId),
  };
}
