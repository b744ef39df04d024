// The application core, assembled once per process: store, vault, router. Every face (Electron,
// browser shell, CLI) opens it the same way and talks to it only through the router.

import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { type Language, languageFromLocale, translate } from '../locales/translate.ts';
import packageJson from '../package.json' with { type: 'json' };
import { buildHandlers } from './api/handlers.ts';
import { type CallContext, createRouter, type Router } from './api/router.ts';
import type { AppInfo, Face, Settings } from './api/types.ts';
import { firstPresence } from './commissioning/presence.ts';
import { CommissioningService } from './commissioning/service.ts';
import { AutoSync } from './csms/auto-sync.ts';
import { configuredPresence } from './csms/presence.ts';
import { type AfterRunLimits, preflightAfterRun, reachedReset } from './diagnostics/preflight-after-run.ts';
import { configuredPortLister } from './drivers/serial/port-folder.ts';
import type { PortLister } from './drivers/serial/port-list.ts';
import { createLogger, type Logger } from './log/logger.ts';
import { storedIdleMinutes } from './ocpp/live/api-handlers.ts';
import { LiveService } from './ocpp/live/live-service.ts';
import { ProxyService } from './ocpp/proxy/service.ts';
import { OcppService } from './ocpp/service.ts';
import { defaultReaderSources } from './rfid/default-sources.ts';
import { EnrollmentSession } from './rfid/enrollment-session.ts';
import { ReaderManager } from './rfid/reader-manager.ts';
import type { ReaderSource } from './rfid/reader-source.ts';
import { openStore, type Store } from './store/database.ts';
import { DATABASE_FILE } from './store/paths.ts';
import { readSettings } from './store/settings.ts';
import { Vault } from './store/vault.ts';
import { keyFilePath, keyFileProvider, sealedKeyFilePath, type VaultKeyProvider } from './store/vault-key.ts';

export interface CoreOptions {
  dataDir: string;
  keyProvider?: VaultKeyProvider;
  /** The language until the user picks one: from the OS locale. */
  defaultLanguage?: Language;
  logToStderr?: boolean;
  /** Where card readers are looked for; default USB HID and serial (tests pass their own). */
  readerSources?: ReaderSource[];
  /** How often the outbox is looked at once startAutoSync() ran; default 30 s. */
  autoSyncMs?: number;
  /** How often the readers are scanned for hot-plug while someone uses them; default 1000 ms. */
  readerScanMs?: number;
  /** Where the Connect page's port list comes from: default the OS's list, plus the links in the folder
   *  `WBC_SERIAL_DIR` names (simulator ptys); tests pass their own. */
  serialPorts?: PortLister;
  /** Time limits of the pre-flight checks after each run (default AFTER_RUN_LIMITS). */
  preflightAfterRun?: AfterRunLimits;
}

export interface Core {
  readonly dataDir: string;
  readonly store: Store;
  readonly vault: Vault;
  readonly ocpp: OcppService;
  readonly commissioning: CommissioningService;
  /** Proxy mode (main/ocpp/proxy): boxes relayed to their company CSMS. */
  readonly proxy: ProxyService;
  /** The live view of every box heard (main/ocpp/live), with the idle and energy management notices. */
  readonly live: LiveService;
  readonly readers: ReaderManager;
  readonly enrollment: EnrollmentSession;
  readonly router: Router;
  readonly log: Logger;
  language(): Language;
  context(face: Face): CallContext;
  /** The outbox goes out by itself from now on (faces that run for long: desktop, serve, csms listen). */
  startAutoSync(): void;
  /** Stops the local CSMS, writes the buffered trace and closes the database. */
  close(): Promise<void>;
}

export const appName = packageJson.productName;
export const appVersion = packageJson.version;

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function openCore(options: CoreOptions): Core {
  // Only the user may list the data folder: it holds the audit log and the sealed secrets.
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const log = createLogger({
    file: join(options.dataDir, 'logs', 'core.log'),
    stderr: options.logToStderr ?? false,
  });
  const store = openStore(join(options.dataDir, DATABASE_FILE), {
    keyFiles: [keyFilePath(options.dataDir), sealedKeyFilePath(options.dataDir)],
  });
  let vault: Vault;
  try {
    vault = new Vault(store, options.keyProvider ?? keyFileProvider(options.dataDir));
  } catch (error) {
    store.close();
    throw error;
  }
  const defaults: Settings = {
    language: options.defaultLanguage ?? languageFromLocale(process.env.LC_ALL || process.env.LANG),
  };
  const language = () => readSettings(store, defaults).language;
  const info = (): AppInfo => ({
    name: appName,
    version: appVersion,
    dataDir: options.dataDir,
    databaseFile: store.file,
    schemaVersion: store.schemaVersion,
    vaultKey: vault.keyKind,
    platform: `${process.platform}-${process.arch}`,
    node: process.versions.node,
  });

  const ocpp = new OcppService(store, { log });
  const commissioning = new CommissioningService(store, vault, ocpp);
  // Pre-flight by itself after each run that reached the reset: its findings join the run and its report.
  commissioning.setAfterRun(async (run) => {
    if (reachedReset(run))
      await preflightAfterRun(
        { store, ocpp, runs: commissioning.runs },
        run,
        language(),
        options.preflightAfterRun,
      );
  });
  const proxy = new ProxyService(ocpp.trace, log);
  const live = new LiveService(ocpp.trace, { idleMinutes: () => storedIdleMinutes(store) });
  // A run says "confirmed" only when a company CSMS set up here reports the box connected and accepted,
  // or the tool's own proxy, relaying the box, saw that CSMS accept its boot.
  commissioning.setPresence(() =>
    firstPresence([
      proxy.presence((upstream) => translate(language(), 'proxy.confirmedBy', { upstream })),
      configuredPresence(store, vault),
    ]),
  );
  const autoSync = new AutoSync({
    store,
    vault,
    log,
    ...(options.autoSyncMs === undefined ? {} : { intervalMs: options.autoSyncMs }),
    delivered: () => router?.emit('data.changed', { entity: 'sync' }),
  });
  let router: Router | undefined;
  const readers = new ReaderManager({
    sources: options.readerSources ?? defaultReaderSources(),
    ...(options.readerScanMs !== undefined ? { scanMs: options.readerScanMs } : {}),
  });
  const enrollment = new EnrollmentSession({
    store,
    manager: readers,
    announce: (outcome) => router?.emit('cards.tapped', outcome),
    cardAdded: () => router?.emit('data.changed', { entity: 'card' }),
    logInternal: (incident, error) => log.log('error', 'internal error', { incident, error }),
  });
  const handlers = buildHandlers({
    store,
    vault,
    ocpp,
    commissioning,
    proxy,
    live,
    info,
    defaults,
    events: () => router as Router,
    readers,
    enrollment,
    serialPorts: options.serialPorts ?? configuredPortLister(),
  });
  router = createRouter(handlers, {
    language,
    logInternal: (incident, error) => log.log('error', 'internal error', { incident, error }),
  });
  ocpp.on('csms', (status) => router?.emit('csms.changed', status));
  ocpp.on('box', (box) => router?.emit('boxes.changed', box));
  ocpp.on('box', (box: { boot: unknown }) => box.boot && router?.emit('data.changed', { entity: 'station' }));
  ocpp.trace.subscribe((frame) => router?.emit('trace.frame', frame));
  live.on('changed', (box) => router?.emit('live.changed', box));
  live.on('notice', (notice) => router?.emit('live.notice', notice));
  commissioning.on('run', (run) => router?.emit('commissioning.changed', run));
  readers.on('changed', (snapshot) => router?.emit('readers.changed', snapshot));
  const user = osUser();

  return {
    dataDir: options.dataDir,
    store,
    vault,
    ocpp,
    commissioning,
    proxy,
    live,
    readers,
    enrollment,
    router,
    log,
    language,
    context: (face) => ({ face, actor: `${user}@${face}` }),
    startAutoSync: () => autoSync.start(),
    close: async () => {
      await autoSync.close();
      await enrollment.stop();
      await readers.close();
      await commissioning.close();
      await proxy.stop();
      live.close();
      await ocpp.close();
      store.close();
    },
  };
}
