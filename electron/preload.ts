// Exposes the contract's invoke/subscribe for declared channels only. Nothing else.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isChannel, isTopic } from '../src/shared/channels';
import type { Bridge, Channel, Reply } from '../src/shared/contract';

const bridge: Bridge = {
  invoke(channel, input) {
    if (!isChannel(channel))
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `unknown channel: ${String(channel)}` } });
    return ipcRenderer.invoke('s3deck:invoke', channel, input) as Promise<Reply<typeof channel & Channel>>;
  },
  subscribe(topic, cb) {
    if (!isTopic(topic)) return () => undefined;
    const listener = (_e: IpcRendererEvent, t: unknown, payload: unknown) => {
      if (t === topic) cb(payload as Parameters<typeof cb>[0]);
    };
    ipcRenderer.on('s3deck:event', listener);
    return () => ipcRenderer.removeListener('s3deck:event', listener);
  },
};

contextBridge.exposeInMainWorld('s3deck', bridge);
