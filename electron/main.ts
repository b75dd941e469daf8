// The Electron shell: lifecycle, one hardened window, IPC mapped onto the core. No logic here
// that the loopback host lacks — everything goes through createApi(core).
import { app, BrowserWindow, dialog, ipcMain, net, protocol, session, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Core, createApi, defaultDataDir, RENDERER_CSP, rendererFile } from '../src/main/index';
import { SafeStorageSecretStore } from './secret-store';

const ORIGIN = 'app://s3deck';
const rendererDir = join(app.getAppPath(), 'dist', 'renderer');

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let win: BrowserWindow | undefined;

async function askOpenExternal(url: string): Promise<void> {
  if (!/^https?:\/\//i.test(url)) return;
  const r = await dialog.showMessageBox({ type: 'question', buttons: ['Open', 'Cancel'], defaultId: 1, message: `Open ${url} in your browser?` });
  if (r.response === 0) await shell.openExternal(url);
}

async function main(): Promise<void> {
  await app.whenReady();
  const dataDir = defaultDataDir(process.env.S3DECK_DATA_DIR ?? join(app.getPath('userData')));
  const core = await Core.create({ dataDir, transport: 'electron', secrets: new SafeStorageSecretStore(dataDir) });
  const api = createApi(core);

  // serve the renderer from app:// with a strict CSP header
  protocol.handle('app', async (req) => {
    const file = rendererFile(rendererDir, new URL(req.url).pathname);
    if (!file) return new Response('forbidden', { status: 403 });
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', RENDERER_CSP);
    return new Response(res.body, { status: res.status, headers });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  ipcMain.handle('s3deck:invoke', (e, channel: unknown, input: unknown) => {
    // only our own top-level page may call the core
    if (!win || e.senderFrame !== win.webContents.mainFrame || !e.senderFrame.url.startsWith(ORIGIN))
      return { ok: false, error: { code: 'ACCESS_DENIED', message: 'caller is not the S3 Deck window' } };
    return api.invoke(channel, input);
  });
  core.bus.on((topic, payload) => win?.webContents.send('s3deck:event', topic, payload));

  win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'S3 Deck',
    icon: join(app.getAppPath(), 'assets', 'icon.png'),
    webPreferences: {
      preload: join(app.getAppPath(), 'dist', 'electron', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.on('will-attach-webview', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    void askOpenExternal(url);
    return { action: 'deny' };
  });
  await win.loadURL(`${ORIGIN}/index.html`);

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (e) => {
    e.preventDefault();
    void core.close().finally(() => app.exit(0));
  });
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (ev) => ev.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

main().catch((err: unknown) => {
  dialog.showErrorBox('S3 Deck could not start', String(err));
  app.exit(1);
});
