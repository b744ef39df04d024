// The desktop shell: one locked-down window (context isolation, sandbox, no Node, strict CSP, no
// navigation, no new windows, no permissions) and the api served over IPC to that window only.
import { join } from 'node:path';
import { app, BrowserWindow, dialog, type IpcMainInvokeEvent, ipcMain, protocol, session } from 'electron';
import { languageFromLocale, translate } from '../locales/translate.ts';
import { AppError } from '../main/api/errors.ts';
import { toWireError } from '../main/api/router.ts';
import { type Core, openCore } from '../main/core.ts';
import {
  APP_INDEX_URL,
  APP_SCHEME,
  appProtocolResponse,
  isAppIndex,
  isAppUrl,
} from '../main/server/app-protocol.ts';
import { type LocalChannel, openLocalChannel } from '../main/server/local-channel.ts';
import { contentSecurityPolicy } from '../main/server/security-headers.ts';
import { adoptLegacyFolder } from '../main/store/legacy-folder.ts';
import { resolveDataDir } from '../main/store/paths.ts';
import { desktopKeyProvider } from './safe-storage-key.ts';

// The renderer is served from its own origin, app://wbc/, not file://: a file:// page could read other
// local files and shares its origin with every file on the disk.
const rendererRoot = join(import.meta.dirname, '../renderer');
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
let core: Core | undefined;
let channel: LocalChannel | undefined;
let mainWindow: BrowserWindow | undefined;

/** Only our own page, in our own window, may call the api. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return (
    mainWindow !== undefined &&
    event.sender === mainWindow.webContents &&
    frame !== null &&
    frame.parent === null &&
    isAppUrl(frame.url)
  );
}

function lockDownSessions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] },
    });
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click would open links in a new window, past the window-open handler.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  // Nothing opens a second window: the app has no links that leave it.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppIndex(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_INDEX_URL);
  return win;
}

function serveApi(opened: Core): void {
  const ctx = opened.context('desktop');
  ipcMain.handle('wbc:call', async (event, method: unknown, params: unknown) => {
    if (!trustedSender(event) || typeof method !== 'string') {
      return { ok: false, error: toWireError(new AppError('UNAUTHORIZED'), opened.language()) };
    }
    return opened.router.call(method, params, ctx);
  });
  opened.router.subscribe((name, payload) => mainWindow?.webContents.send('wbc:event', name, payload));
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAppIndex(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

function showFatal(error: unknown): void {
  const language = languageFromLocale(app.getLocale());
  const text =
    error instanceof AppError ? toWireError(error, language) : { message: String(error), remedy: '' };
  dialog.showErrorBox(translate(language, 'app.name'), `${text.message}\n\n${text.remedy}`);
}

app.whenReady().then(async () => {
  // One data folder for every face: the one `wbc` and the browser shell use (WBC_DATA_DIR, else the
  // platform's), so the desktop and the command line see the same boxes, runs and cards.
  const dataDir = resolveDataDir();
  if (!process.env.WBC_DATA_DIR) adoptLegacyFolder(app.getPath('userData'), dataDir);
  try {
    core = openCore({
      dataDir,
      keyProvider: desktopKeyProvider(dataDir),
      defaultLanguage: languageFromLocale(app.getLocale()),
    });
  } catch (error) {
    showFatal(error);
    app.exit(1);
    return;
  }
  // `wbc` commands on this folder go through this app (and through it reach the safeStorage-sealed
  // key, which they cannot open themselves). Another core already on the folder: say so and stop.
  try {
    channel = await openLocalChannel(core);
  } catch (error) {
    showFatal(error);
    await core.close();
    app.exit(1);
    return;
  }
  // The one core of this folder sends the company-CSMS outbox by itself while the app is open.
  core.startAutoSync();
  lockDownSessions();
  // The renderer's files, each answer with the same CSP and headers as the browser shell's.
  protocol.handle(APP_SCHEME, (request) => appProtocolResponse(rendererRoot, request));
  serveApi(core);
  mainWindow = createWindow();
});

app.on('window-all-closed', () => {
  // The trace and the database are closed before the process ends; quitting waits for it.
  void (channel?.close() ?? Promise.resolve()).then(() => core?.close()).finally(() => app.quit());
});
