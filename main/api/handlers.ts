// Binds every method of the contract to the domain code that does the work. The type Handlers makes
// a method without a handler a compile error; later capabilities add their own maps here.

import { dirname } from 'node:path';
import { buildBoxHandlers } from '../boxes/api-handlers.ts';
import { buildCardsHandlers } from '../cards/api-handlers.ts';
import { deleteSiteMoving } from '../cards/site-boxes.ts';
import { pushGroupsToBox } from '../commissioning/push-cards.ts';
import type { CommissioningService, SwapFrom } from '../commissioning/service.ts';
import { templateSiteAttacher } from '../commissioning/template-site.ts';
import { deleteTemplate, getTemplate, listTemplates, saveTemplate } from '../commissioning/templates-repo.ts';
import { buildSyncHandlers } from '../csms/api-handlers.ts';
import { backupBox } from '../diagnostics/config-backup.ts';
import { compareBoxes, compareTemplate } from '../diagnostics/config-compare.ts';
import { runPreflight } from '../diagnostics/preflight.ts';
import { driverHandlers } from '../drivers/api-handlers.ts';
import type { PortLister } from '../drivers/serial/port-list.ts';
import { TerminalSessions } from '../drivers/serial/terminal-session.ts';
import { supportHandlers } from '../drivers/support-api.ts';
import { filesHandlers } from '../files/api-handlers.ts';
import { FileJobs } from '../files/file-jobs.ts';
import { boxPasswords, checkCsmsPassword } from '../ocpp/box-passwords.ts';
import { liveHandlers } from '../ocpp/live/api-handlers.ts';
import { LiveService } from '../ocpp/live/live-service.ts';
import { listenAddresses } from '../ocpp/local-csms.ts';
import { proxyHandlers } from '../ocpp/proxy/api-handlers.ts';
import { ProxyService } from '../ocpp/proxy/service.ts';
import type { OcppService } from '../ocpp/service.ts';
import { testCharge } from '../ocpp/test-charge.ts';
import { csmsCa, csmsTls } from '../ocpp/tls.ts';
import { reportHandlers } from '../report/api-handlers.ts';
import { deleteCard, enrollCard } from '../rfid/enroll.ts';
import type { EnrollmentSession } from '../rfid/enrollment-session.ts';
import { readerHandlers } from '../rfid/reader-handlers.ts';
import type { ReaderManager } from '../rfid/reader-manager.ts';
import { listAudit } from '../store/audit.ts';
import { listCards } from '../store/cards.ts';
import type { Store } from '../store/database.ts';
import { createGroup, listGroups } from '../store/groups.ts';
import {
  readCsmsSaved,
  readSettings,
  saveCsmsAdmitted,
  saveCsmsStart,
  writeSettings,
} from '../store/settings.ts';
import { createSite, listSites, renameSite } from '../store/sites.ts';
import { listStations } from '../store/stations.ts';
import type { Vault } from '../store/vault.ts';
import { AppError } from './errors.ts';
import { formatHandlers } from './handlers-formats.ts';
import type { Handlers, Router } from './router.ts';
import type { AppInfo, DataEntity, Settings } from './types.ts';

export interface HandlerDeps {
  store: Store;
  vault: Vault;
  ocpp: OcppService;
  commissioning: CommissioningService;
  /** Proxy mode; a core without one (tests of other parts) gets a stopped one of its own. */
  proxy?: ProxyService;
  /** The live view; a core without one gets its own, fed by the same trace. */
  live?: LiveService;
  info: () => AppInfo;
  defaults: Settings;
  /** Set after the router exists: handlers announce committed changes through it. */
  events: () => Router;
  /** Card readers and the enrollment session of this core (main/rfid/reader-handlers.ts). */
  readers?: ReaderManager;
  enrollment?: EnrollmentSession;
  /** Where drivers.ports lists from; default the OS's list. */
  serialPorts?: PortLister;
  /** Firmware and log jobs with the file server (main/files); a core without one gets its own. */
  files?: FileJobs;
  /** The serial terminals of this core; a core without them (tests of other parts) gets its own. */
  terminals?: TerminalSessions;
}

/** The broken box of a swap call: a backup file's text when given, else its identity (the schema wants one). */
function swapFrom(p: { from?: string | undefined; backup?: string | undefined }): SwapFrom {
  return p.backup !== undefined ? { backup: p.backup } : { from: p.from ?? '' };
}

export function buildHandlers(deps: HandlerDeps): Handlers {
  const { store, vault } = deps;
  const changed = (entity: DataEntity) => deps.events().emit('data.changed', { entity });
  const attacher = templateSiteAttacher({ store, commissioning: deps.commissioning, changed });

  return {
    'app.info': () => deps.info(),
    'settings.get': () => readSettings(store, deps.defaults),
    'settings.set': (p, ctx) => {
      const next = writeSettings(store, ctx.actor, p, deps.defaults);
      changed('settings');
      return next;
    },

    'sites.list': () => listSites(store),
    'sites.create': (p, ctx) => {
      const site = createSite(store, ctx.actor, p);
      changed('site');
      return site;
    },
    'sites.rename': (p, ctx) => {
      const site = renameSite(store, ctx.actor, p.id, p.name);
      changed('site');
      return site;
    },
    'sites.delete': (p, ctx) => {
      const { moved } = deleteSiteMoving(store, ctx.actor, p.id, p.moveTo);
      changed('site');
      if (moved > 0) changed('station');
      return { deleted: true, moved };
    },

    'stations.list': (p) => listStations(store, p),

    'groups.list': () => listGroups(store),
    'groups.create': (p, ctx) => {
      const group = createGroup(store, ctx.actor, p);
      changed('group');
      return group;
    },

    'cards.list': (p) => listCards(store, p),
    'cards.enroll': (p, ctx) => {
      const result = enrollCard(store, ctx.actor, p);
      if (!result.duplicate) changed('card');
      return result;
    },
    'cards.delete': (p, ctx) => {
      deleteCard(store, ctx.actor, p.id);
      changed('card');
      return { deleted: true };
    },

    'audit.list': (p) => listAudit(store, p),

    'secrets.list': () => vault.list(),
    'secrets.put': (p, ctx) => {
      const secret = vault.put(ctx.actor, p.purpose, p.label, p.value);
      changed('secret');
      return secret;
    },

    'secrets.reveal': (p, ctx) => ({ value: vault.reveal(ctx.actor, p.id) }),

    'csms.status': () => deps.ocpp.status(),
    'csms.start': async (p, ctx) => {
      const password =
        p.passwordSecretId === undefined ? undefined : vault.use(p.passwordSecretId, (value) => value);
      if (password !== undefined) checkCsmsPassword(password);
      // The certificates cover the addresses the CSMS will show; a new address gets a new server certificate.
      const tls = p.tls
        ? await csmsTls({ store, vault, actor: ctx.actor }, listenAddresses(p.host))
        : undefined;
      // Boxes admitted from the lobby before are admitted again at once (the user checked them then).
      const admitted = readCsmsSaved(store)?.admitted ?? [];
      const status = await deps.ocpp.start({
        host: p.host,
        port: p.port,
        expected: [...new Set([...p.expected, ...admitted])],
        admitUnexpected: p.admitUnexpected,
        // Each box's own password from the vault, the shared one only for boxes without one yet.
        ...(password === undefined ? {} : { password: boxPasswords(vault, password) }),
        ...(tls === undefined ? {} : { tls }),
      });
      saveCsmsStart(store, {
        host: p.host,
        port: p.port,
        tls: p.tls,
        admitUnexpected: p.admitUnexpected,
        expected: p.expected,
      });
      changed('settings');
      return status;
    },
    'csms.saved': () => readCsmsSaved(store),
    'csms.certificate': (_p, ctx) => csmsCa({ store, vault, actor: ctx.actor }),
    'csms.stop': () => deps.ocpp.stop(),
    'boxes.admit': (p) => {
      const info = deps.ocpp.csms.admit(p.identity);
      saveCsmsAdmitted(store, [p.identity]);
      return info;
    },
    'boxes.admitMany': (p) => {
      const admitted: string[] = [];
      const offline: string[] = [];
      for (const identity of p.identities) {
        try {
          deps.ocpp.csms.admit(identity);
          admitted.push(identity);
        } catch (error) {
          if (!(error instanceof AppError && error.code === 'BOX_OFFLINE')) throw error;
          offline.push(identity);
        }
      }
      saveCsmsAdmitted(store, admitted);
      return { admitted, offline };
    },

    'config.read': (p) => deps.ocpp.readConfiguration(p.identity, 'read'),
    'config.latest': (p) => deps.ocpp.latestSnapshot(p.identity),
    'config.compare': (p) => {
      const a = deps.ocpp.latestSnapshot(p.identity);
      if ('against' in p) return compareBoxes(p.identity, a, p.against, deps.ocpp.latestSnapshot(p.against));
      const template =
        'templateId' in p
          ? getTemplate(store, p.templateId)
          : listTemplates(store).find((s) => s.name.toLowerCase() === p.template.toLowerCase());
      if (!template)
        throw new AppError('NOT_FOUND', { entity: 'template', name: 'template' in p ? p.template : '' });
      return compareTemplate(p.identity, a, template.template);
    },
    'config.backup': async (p, ctx) => {
      const result = await backupBox({ store, ocpp: deps.ocpp }, p.identity);
      deps.ocpp.audit(ctx.actor, p.identity, 'config.backup', {
        snapshot: result.backup.snapshot.id,
        fresh: result.fresh,
        notRead: result.backup.notRead.map((n) => n.key),
      });
      return result;
    },
    'config.set': (p, ctx) =>
      deps.ocpp.changeSettings(ctx.actor, p.identity, p.changes, undefined, { strict: true }),

    'templates.list': (p) => listTemplates(store, p.siteId),
    'templates.save': (p, ctx) => {
      const saved = saveTemplate(store, ctx.actor, p.siteId, p.template);
      changed('template');
      return saved;
    },
    'templates.delete': (p, ctx) => {
      deleteTemplate(store, ctx.actor, p.id);
      changed('template');
      return { deleted: true };
    },

    'boxes.reset': async (p, ctx) => {
      const status = await deps.ocpp.csms.session(p.identity).reset(p.kind);
      deps.ocpp.audit(ctx.actor, p.identity, 'box.reset', { kind: p.kind, status });
      return { status };
    },
    'boxes.trigger': async (p) => ({ status: await deps.ocpp.csms.session(p.identity).trigger(p.message) }),

    'boxes.testCharge': async (p, ctx) => {
      const result = await testCharge(deps.ocpp.csms, p.identity, {
        seconds: p.seconds,
        idTag: p.idTag,
        connectorId: p.connectorId,
      });
      deps.ocpp.audit(ctx.actor, p.identity, 'box.test-charge', {
        transactionId: result.transactionId,
        energyWh: result.energyWh,
      });
      return result;
    },

    'cards.push': (p, ctx) =>
      pushGroupsToBox({ store, ocpp: deps.ocpp, actor: ctx.actor, identity: p.identity, groups: p.groups }),

    'commissioning.start': (p, ctx) => {
      const attach = attacher(ctx.actor, [p.identity], p.templateId);
      const run = deps.commissioning.start(
        ctx.actor,
        p.identity,
        p.template,
        p.approval,
        null,
        p.keepOnFailure,
      );
      attach.after([run.id]);
      return run;
    },
    'commissioning.fleet': (p, ctx) => {
      const attach = attacher(ctx.actor, p.identities, p.templateId);
      const fleet = deps.commissioning.startFleet(
        ctx.actor,
        p.identities,
        p.template,
        p.approval,
        p.concurrency,
      );
      attach.after(fleet.runs.map((r) => r.id));
      return fleet;
    },
    'commissioning.swap': (p, ctx) =>
      deps.commissioning.startSwap(ctx.actor, swapFrom(p), p.to, {
        approval: p.approval,
        keepOnFailure: p.keepOnFailure,
        newPassword: p.newPassword,
        ...(p.verifyWindowS !== undefined ? { verifyWindowS: p.verifyWindowS } : {}),
        ...(p.caCertificate !== undefined ? { caCertificate: p.caCertificate } : {}),
      }),
    'commissioning.swapPlan': (p) =>
      deps.commissioning.swapPreview(swapFrom(p), p.to, {
        newPassword: p.newPassword,
        ...(p.caCertificate !== undefined ? { caCertificate: p.caCertificate } : {}),
      }),
    'commissioning.list': (p) => deps.commissioning.runs.list(p),
    'commissioning.get': (p) => deps.commissioning.runs.get(p.id),
    'commissioning.approve': (p, ctx) => deps.commissioning.approve(ctx.actor, p.id),
    'commissioning.cancel': (p, ctx) => deps.commissioning.cancel(ctx.actor, p.id),
    'commissioning.retry': (p, ctx) => deps.commissioning.retry(ctx.actor, p.id),
    'commissioning.putBack': (p, ctx) => deps.commissioning.putBack(ctx.actor, p.id),
    'commissioning.fleetPlan': (p) => deps.commissioning.fleetPlan(p.fleetId),
    'commissioning.approveFleet': (p, ctx) =>
      deps.commissioning.approveFleet(ctx.actor, p.fleetId, p.identities),
    'commissioning.fleetResult': (p) => deps.commissioning.fleetResult(p.fleetId),
    'commissioning.cancelFleet': (p, ctx) => deps.commissioning.cancelFleet(ctx.actor, p.fleetId),
    'commissioning.retryFailed': (p, ctx) => deps.commissioning.retryFailed(ctx.actor, p.fleetId),

    'trace.list': (p) => deps.ocpp.trace.list(p),
    'trace.places': () => deps.ocpp.trace.places(),

    ...formatHandlers({ store, ocpp: deps.ocpp, events: deps.events, readers: deps.readers }),
    ...readerHandlers({ store, events: deps.events, readers: deps.readers, enrollment: deps.enrollment }),
    ...driverHandlers({
      commissioning: deps.commissioning,
      events: deps.events,
      ...(deps.serialPorts ? { ports: deps.serialPorts } : {}),
    }),
    ...supportHandlers({
      store,
      trace: deps.ocpp.trace,
      terminals: deps.terminals ?? new TerminalSessions(deps.ocpp.trace),
    }),
    ...buildCardsHandlers({
      store,
      ocpp: deps.ocpp,
      changed,
      progress: (progress) => deps.events().emit('cards.pushProgress', progress),
      importProgress: (progress) => deps.events().emit('cards.importProgress', progress),
    }),
    ...buildSyncHandlers({ store, vault, changed }),
    ...proxyHandlers(deps.proxy ?? new ProxyService(deps.ocpp.trace), { store, vault }),
    ...liveHandlers(store, deps.live ?? new LiveService(deps.ocpp.trace, { tickMs: 0 })),
    ...filesHandlers(deps.files ?? new FileJobs({ store, ocpp: deps.ocpp, dataDir: dirname(store.file) })),
    ...reportHandlers({ store, vault, info: deps.info, defaults: deps.defaults }),
    'preflight.run': (p) =>
      runPreflight(
        { store, ocpp: deps.ocpp, runs: deps.commissioning.runs },
        {
          identity: p.identity,
          url: p.url,
          language: p.language ?? readSettings(store, deps.defaults).language,
        },
      ),
    ...buildBoxHandlers(
      { store, vault, ocpp: deps.ocpp, runs: deps.commissioning.runs },
      changed,
      (identity) => deps.commissioning.forgotten(identity),
    ),
  };
}
