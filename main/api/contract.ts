// The contract: every method and event of the core, declared once with its argument schema and result.
// Electron IPC, the browser shell's WebSocket and the CLI serve exactly this list through one router.
import { z } from 'zod';
import { languages } from '../../locales/translate.ts';
import type { BoxDetail, BoxOverview, ForgetResult, SecretUsage } from '../boxes/types.ts';
import type {
  ExportFile,
  ImportCommitResult,
  ImportPreview,
  ImportProgress,
  SitePushProgress,
  SitePushSummary,
  StationLocalList,
} from '../cards/types.ts';
import type { FleetPlan } from '../commissioning/fleet-plan.ts';
import type { FleetResult } from '../commissioning/fleet-result.ts';
import { pem, templateSchema } from '../commissioning/template-schema.ts';
import type { Plan, RunDetail, RunSummary, StoredTemplate } from '../commissioning/types.ts';
import { type ConnectionCheck, connectorKinds } from '../csms/connector.ts';
import type { ConnectorInfo } from '../csms/connectors-store.ts';
import type { SyncJob, TokenJob } from '../csms/outbox.ts';
import type { ConnectorStatus, DryRunItem } from '../csms/sync-service.ts';
import type { SyncState } from '../csms/sync-states.ts';
import type { SyncRunSummary } from '../csms/worker.ts';
import type { BackupResult } from '../diagnostics/config-backup.ts';
import type { ConfigComparison } from '../diagnostics/config-compare.ts';
import type { PreflightReport } from '../diagnostics/preflight-types.ts';
import type { BundleFile } from '../diagnostics/support-bundle.ts';
import type { DriverCatalog, DriverIdentification } from '../drivers/api-handlers.ts';
import type { MappedWriteOutcome, RangeReading } from '../drivers/modbus/register-browser.ts';
import type { SerialPortListing } from '../drivers/serial/port-list.ts';
import type { SentLine, TerminalInfo } from '../drivers/serial/terminal-session.ts';
import type { BoxFile, BoxFileContent, FileJob } from '../files/types.ts';
import type { LiveBox, LiveNotice } from '../ocpp/live/live-types.ts';
import type { ProxyStatus } from '../ocpp/proxy/proxy-server.ts';
import type { ProxyCallResult } from '../ocpp/proxy/relay.ts';
import type { TracePlace } from '../ocpp/trace-places.ts';
import type {
  BoxInfo,
  ConfigSnapshot,
  CsmsStatus,
  CsmsTlsInfo,
  PushOutcome,
  SettingResult,
  TestChargeResult,
  TraceFrame,
} from '../ocpp/types.ts';
import type { ReportFile } from '../report/render.ts';
import { type UidPresetName, uidPresets } from '../rfid/uid-format.ts';
import { uidFormatChoice } from '../rfid/uid-format-schema.ts';
import type { CsmsSaved } from '../store/settings.ts';
import type {
  AppInfo,
  AuditEntry,
  Card,
  DataEntity,
  EnrollmentStatus,
  Group,
  LearnOutcome,
  LearnProgress,
  ReadersSnapshot,
  ReaderView,
  SecretInfo,
  Settings,
  Site,
  Station,
  TapOutcome,
  UidFormatCandidate,
  UidFormatProfile,
} from './types.ts';

export interface MethodSpec<Input extends z.ZodType, Result> {
  input: Input;
  /** Only a carrier of the result type; never set at run time. */
  readonly result?: Result;
}

function method<Result>() {
  return <Input extends z.ZodType>(input: Input): MethodSpec<Input, Result> => ({ input });
}

const none = z.object({}).strict();
const id = z.number().int().positive();
const name = z.string().trim().min(1).max(80);
const uidPreset = z.enum(Object.keys(uidPresets) as [UidPresetName, ...UidPresetName[]]);
const secretText = z.string().min(1).max(4096);
/** "serial:/dev/ttyUSB0", "hid:/dev/hidraw3", "pcsc:ACS ACR122U 00 00", or "typed" / "window". */
const readerId = z.string().trim().min(1).max(300);
/** A serial device: an absolute path (/dev/ttyUSB0, a pty link) or a Windows COM port. */
const serialPath = z
  .string()
  .trim()
  .min(1)
  .max(260)
  .regex(/^(\/.+|COM\d{1,3}|\\\\\.\\COM\d{1,3})$/i, 'an absolute device path or COMn');
/** A box on the LAN as HOST[:PORT] (Modbus TCP). */
const hostPort = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(/^[A-Za-z0-9.\-[\]:]+$/, 'issue.connectHostPort');
/** Where a box driver finds the box: its serial port, its HTTP API, or both (a whole OpenEVSE). */
const driverTarget = z
  .object({
    driver: z.enum(['openevse']).default('openevse'),
    serial: serialPath.optional(),
    http: z.string().trim().min(1).max(300).optional(),
    baudRate: z.number().int().min(300).max(4_000_000).optional(),
    user: z.string().max(64).optional(),
    /** The box's web password (basic auth); never logged. */
    password: z.string().max(128).optional(),
    /** Modbus TCP on the LAN, HOST[:PORT] (with `map`). */
    modbusTcp: hostPort.optional(),
    /** A register map (shipped name or file): Modbus RTU on `serial`, or TCP on `modbusTcp`. */
    map: z.string().trim().min(1).max(300).optional(),
    slaveId: z.number().int().min(1).max(247).optional(),
    /** A console profile (shipped name or file) on `serial`. */
    profile: z.string().trim().min(1).max(300).optional(),
  })
  .strict();
/** A Modbus box for the register browser: a serial adapter with its bus settings, or HOST[:PORT]. */
const modbusTarget = z
  .object({
    serial: serialPath.optional(),
    tcp: hostPort.optional(),
    baudRate: z.number().int().min(300).max(921600).optional(),
    dataBits: z.union([z.literal(7), z.literal(8)]).optional(),
    parity: z.enum(['none', 'even', 'odd']).optional(),
    stopBits: z.union([z.literal(1), z.literal(2)]).optional(),
    slaveId: z.number().int().min(0).max(255),
    map: z.string().trim().min(1).max(300).optional(),
    timeoutMs: z.number().int().min(50).max(10_000).optional(),
  })
  .strict();
const oneModbusPlace = (p: { serial?: string | undefined; tcp?: string | undefined }) =>
  (p.serial === undefined) !== (p.tcp === undefined);
/** A box driver needs somewhere to find the box; a map or a profile says how to speak to it there. */
const hasPlace = (p: { serial?: string; http?: string; modbusTcp?: string }) =>
  Boolean(p.serial || p.http || p.modbusTcp);
/** Labels of OCPP idTags are CiString20 in 1.6: the group tag must fit. */
const groupIdTag = z
  .string()
  .trim()
  .min(1)
  .max(20)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/** A box's identity as it appears in its OCPP URL: at most 48 characters, no ':' (2.0.1 basic auth). */
const identity = z
  .string()
  .trim()
  .min(1)
  .max(48)
  .regex(/^[^:/\s]+$/, 'no spaces, ":" or "/"');

/** A backup file's text; its own size limit (8 MB) is checked with a clear error, this one only bounds the call. */
const swapBackupText = z.string().max(32 * 1024 * 1024);

export const methods = {
  'app.info': method<AppInfo>()(none),
  'settings.get': method<Settings>()(none),
  'settings.set': method<Settings>()(z.object({ language: z.enum(languages) }).strict()),

  'sites.list': method<Site[]>()(none),
  'sites.create': method<Site>()(z.object({ name, address: z.string().trim().max(200).optional() }).strict()),
  'sites.rename': method<Site>()(z.object({ id, name }).strict()),
  /** A site with boxes is refused unless moveTo names the site its boxes (and templates) go to. */
  'sites.delete': method<{ deleted: true; moved: number }>()(
    z.object({ id, moveTo: id.optional() }).strict(),
  ),

  'stations.list': method<Station[]>()(z.object({ siteId: id.optional() }).strict()),

  'groups.list': method<Group[]>()(none),
  'groups.create': method<Group>()(z.object({ name, groupIdTag: groupIdTag.optional() }).strict()),

  'cards.list': method<Card[]>()(z.object({ groupId: id.optional() }).strict()),
  'cards.enroll': method<{
    card: Card;
    duplicate: boolean;
    flags: Array<{ code: string; params: Record<string, string | number> }>;
  }>()(
    z
      .object({
        uid: z.string().trim().min(1).max(80),
        source: z.enum(['pcsc', 'hid', 'serial', 'typed', 'import']).default('typed'),
        reader: z.string().max(120).optional(),
        notation: z.enum(['auto', 'hex', 'decimal']).default('auto'),
        groupId: id.optional(),
        label: z.string().trim().min(1).max(60).optional(),
        owner: z.string().trim().max(120).optional(),
        validUntil: z.string().datetime().optional(),
      })
      .strict(),
  ),
  'cards.delete': method<{ deleted: true }>()(z.object({ id }).strict()),
  /** A field left out keeps its value; null clears it (no group: the card goes to no box). */
  'cards.update': method<Card>()(
    z
      .object({
        id,
        label: z.string().trim().max(60).nullable().optional(),
        owner: z.string().trim().max(120).nullable().optional(),
        validUntil: z.string().datetime().nullable().optional(),
        groupId: id.nullable().optional(),
      })
      .strict(),
  ),
  /** Kept, pushed as Blocked with the next list push and queued as invalid for every company CSMS. */
  'cards.block': method<Card>()(z.object({ id }).strict()),
  'cards.unblock': method<Card>()(z.object({ id }).strict()),

  'audit.list': method<AuditEntry[]>()(
    z
      .object({
        limit: z.number().int().min(1).max(1000).default(100),
        entity: z.string().max(40).optional(),
      })
      .strict(),
  ),

  'secrets.list': method<SecretInfo[]>()(none),
  'secrets.put': method<SecretInfo>()(
    z
      .object({
        purpose: z.string().trim().min(1).max(60),
        label: z.string().trim().min(1).max(120),
        value: secretText,
      })
      .strict(),
  ),
  'secrets.delete': method<{ deleted: true }>()(z.object({ id }).strict()),
  /** Only on the user's explicit request, for a box's OCPP password (to enter it into a CSMS by hand); audited. */
  'secrets.reveal': method<{ value: string }>()(z.object({ id }).strict()),

  'csms.status': method<CsmsStatus>()(none),
  'csms.start': method<CsmsStatus>()(
    z
      .object({
        host: z.string().trim().min(1).max(64).default('0.0.0.0'),
        port: z.number().int().min(1).max(65535).default(9220),
        expected: z.array(identity).max(5000).default([]),
        admitUnexpected: z.boolean().default(false),
        passwordSecretId: id.optional(),
        /** Serve wss:// with the tool's own CA (main/ocpp/tls.ts): for boxes at security profile 2 or 3. */
        tls: z.boolean().default(false),
      })
      .strict(),
  ),
  /** The local CSMS's CA certificate (made on first use), to install into a box before it connects. */
  'csms.certificate': method<CsmsTlsInfo>()(none),
  'csms.stop': method<CsmsStatus>()(none),
  /** The CSMS form as last started and the boxes admitted since (main/store/settings.ts); null before. */
  'csms.saved': method<CsmsSaved | null>()(none),
  // proxy (h-proxy): boxes relayed to their company CSMS, every frame traced (main/ocpp/proxy).
  'proxy.status': method<ProxyStatus>()(none),
  'proxy.start': method<ProxyStatus>()(
    z
      .object({
        /** ws:// or wss:// of the company CSMS, without the box's identity (appended per box). */
        upstream: z.string().trim().min(1).max(500),
        host: z.string().trim().min(1).max(64).default('0.0.0.0'),
        /** 0: any free port (the answer says which). */
        port: z.number().int().min(0).max(65535).default(9230),
        /** PEM of the CA that signed the CSMS's certificate, when the system does not trust it. */
        caCertificate: z.string().max(20_000).optional(),
        /** Boxes dial wss:// with the tool's own CA, as at the local CSMS (security profile 2). */
        tls: z.boolean().default(false),
      })
      .strict(),
  ),
  'proxy.stop': method<ProxyStatus>()(none),
  /** A read-only call of the tool's own into a relayed box's session; anything else is refused typed. */
  'proxy.call': method<ProxyCallResult>()(
    z
      .object({
        identity,
        action: z.string().trim().min(1).max(64),
        payload: z.record(z.string(), z.unknown()).default({}),
        timeoutS: z.number().int().min(1).max(300).default(30),
      })
      .strict(),
  ),
  // live (h-live): what a box says now, folded from its frames (main/ocpp/live), with the two notices.
  /** Null when the tool heard nothing of the box since it started. */
  'live.get': method<LiveBox | null>()(z.object({ identity }).strict()),
  /** Minutes without energy before an open transaction is told idle: read, or set when given. */
  'live.idleMinutes': method<{ minutes: number }>()(
    z.object({ minutes: z.number().int().min(1).max(1440).optional() }).strict(),
  ),
  'boxes.admit': method<BoxInfo>()(z.object({ identity }).strict()),
  /** Admits several lobby boxes at once; a box gone offline meanwhile is named, the others are admitted. */
  'boxes.admitMany': method<{ admitted: string[]; offline: string[] }>()(
    z.object({ identities: z.array(identity).min(1).max(5000) }).strict(),
  ),

  'config.read': method<ConfigSnapshot>()(z.object({ identity }).strict()),
  'config.latest': method<ConfigSnapshot | null>()(z.object({ identity }).strict()),
  'config.set': method<SettingResult[]>()(
    z
      .object({
        identity,
        changes: z
          .array(z.object({ key: z.string().trim().min(1).max(200), value: z.string().max(1000) }).strict())
          .min(1)
          .max(200),
      })
      .strict(),
  ),

  /** A box's last snapshot against another box's or the settings a template writes (the plan's keys). */
  'config.compare': method<ConfigComparison>()(
    z.union([
      z.object({ identity, against: identity }).strict(),
      z.object({ identity, templateId: id }).strict(),
      z.object({ identity, template: z.string().trim().min(1).max(80) }).strict(),
    ]),
  ),
  /** The box's full configuration as a JSON backup file (read now when connected); no secret in it. */
  'config.backup': method<BackupResult>()(z.object({ identity }).strict()),

  'templates.list': method<StoredTemplate[]>()(z.object({ siteId: id.optional() }).strict()),
  'templates.save': method<StoredTemplate>()(
    z.object({ siteId: id.nullable().default(null), template: templateSchema }).strict(),
  ),
  'templates.delete': method<{ deleted: true }>()(z.object({ id }).strict()),

  'boxes.reset': method<{ status: string }>()(
    z.object({ identity, kind: z.enum(['soft', 'hard']).default('soft') }).strict(),
  ),
  'boxes.trigger': method<{ status: string }>()(
    z
      .object({
        identity,
        message: z.enum([
          'BootNotification',
          'Heartbeat',
          'StatusNotification',
          'MeterValues',
          'FirmwareStatusNotification',
          'LogStatusNotification',
          'DiagnosticsStatusNotification',
        ]),
      })
      .strict(),
  ),

  'boxes.testCharge': method<TestChargeResult>()(
    z
      .object({
        identity,
        seconds: z.number().int().min(1).max(600).default(10),
        idTag: z.string().trim().min(1).max(20).default('TESTCHARGE'),
        connectorId: z.number().int().min(1).max(32).default(1),
      })
      .strict(),
  ),

  'cards.push': method<PushOutcome>()(
    z.object({ identity, groups: z.array(z.string().trim().min(1).max(80)).min(1).max(100) }).strict(),
  ),

  /** Reads a card list (CSV as text) and judges every row; writes nothing. The file is at most 50 MB. */
  'cards.importPreview': method<ImportPreview>()(
    z
      .object({
        csv: z.string(),
        /** The group of rows that name none. */
        groupId: id.optional(),
        /** Create the groups the file names that do not exist (with the cards, in one transaction). */
        createGroups: z.boolean().default(false),
        defaults: z
          .object({
            owner: z.string().trim().max(120).optional(),
            validUntil: z.string().datetime().optional(),
            notation: z.enum(['auto', 'hex', 'decimal']).default('auto'),
            /** The UID format the boxes get: flags UIDs too long for an OCPP 1.6 idTag. */
            format: uidPreset.optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
  ),
  /** Writes every good row of a preview in one transaction; refused when the file or the cards changed since. */
  'cards.importCommit': method<ImportCommitResult>()(
    z
      .object({
        token: z.string().uuid(),
        /** The file's SHA-256 as it is now (the CLI reads it again): refused when it differs from the preview's. */
        sha256: z
          .string()
          .regex(/^[0-9a-fA-F]{64}$/)
          .optional(),
      })
      .strict(),
  ),
  'cards.export': method<ExportFile>()(
    z
      .object({
        shape: z.enum(['plain', 'steve', 'ocpi']).default('plain'),
        groupId: id.optional(),
        format: uidPreset.optional(),
        delimiter: z.enum([',', ';']).optional(),
        /** OCPI: the eMSP's country code (2 letters) and party id (3 characters). */
        countryCode: z.string().trim().max(2).optional(),
        partyId: z.string().trim().max(3).optional(),
        issuer: z.string().trim().min(1).max(64).optional(),
      })
      .strict(),
  ),
  'groups.update': method<Group>()(
    z.object({ id, name: name.optional(), groupIdTag: groupIdTag.optional() }).strict(),
  ),
  /** A group with cards is refused unless cards is 'ungroup' (the cards stay, in no group, on no box);
   *  one allowed on boxes unless boxes is 'detach'. */
  'groups.delete': method<{ deleted: true; ungrouped: number }>()(
    z
      .object({
        id,
        cards: z.enum(['refuse', 'ungroup']).default('refuse'),
        boxes: z.enum(['refuse', 'detach']).default('refuse'),
      })
      .strict(),
  ),
  /** The boxes a group is allowed on, replaced by this set. */
  'groups.setStations': method<{ groupId: number; stationIds: number[] }>()(
    z.object({ groupId: id, stationIds: z.array(id).max(5000) }).strict(),
  ),
  'stations.assignSite': method<Station[]>()(
    z.object({ stationIds: z.array(id).min(1).max(5000), siteId: id.nullable() }).strict(),
  ),
  /** Per box: the list it holds (last confirmed push) and how far that is from what it should hold. */
  'stations.localLists': method<StationLocalList[]>()(z.object({ siteId: id.optional() }).strict()),
  /** The derived list to every connected box of the site; progress as cards.pushProgress events. */
  'cards.pushSite': method<SitePushSummary>()(z.object({ siteId: id }).strict()),
  'cards.pushCancel': method<{ cancelled: boolean }>()(z.object({ siteId: id }).strict()),

  'commissioning.start': method<RunSummary>()(
    z
      .object({
        identity,
        template: templateSchema,
        approval: z.enum(['auto', 'manual']).default('manual'),
        /** Keep what the box accepted when a later step fails (default: put every value back). */
        keepOnFailure: z.boolean().default(false),
        /** The stored template this is: a site's template puts the box on that site. */
        templateId: id.optional(),
      })
      .strict(),
  ),
  'commissioning.fleet': method<{ fleetId: string; runs: RunSummary[] }>()(
    z
      .object({
        identities: z.array(identity).min(1).max(5000),
        template: templateSchema,
        approval: z.enum(['auto', 'manual']).default('auto'),
        /** How many of its runs move at once (default: all); the others wait for a place, untouched. */
        concurrency: z.number().int().min(1).max(256).optional(),
        /** The stored template this is: a site's template puts the boxes on that site. */
        templateId: id.optional(),
      })
      .strict(),
  ),
  'commissioning.list': method<RunSummary[]>()(
    z
      .object({
        fleetId: z.string().uuid().optional(),
        identity: identity.optional(),
        limit: z.number().int().min(1).max(10_000).default(200),
      })
      .strict(),
  ),
  /** A box swap as a run: the replacement (--to, its factory identity) takes the broken box's settings,
   *  cards, password and identity, with a plan and an approval. The broken box is `from` (what the tool's
   *  database knows of it) or `backup`: the text of a backup file (`wbc backup`), checked as hostile input.
   *  `newPassword`: the run sets a new password instead of moving the broken box's (the CSMS must accept it).
   *  `caCertificate`: the company CSMS's CA (PEM) for a profile 2/3 box, when the tool does not know it. */
  'commissioning.swap': method<RunSummary>()(
    z
      .object({
        from: identity.optional(),
        backup: swapBackupText.optional(),
        to: identity,
        approval: z.enum(['auto', 'manual']).default('manual'),
        keepOnFailure: z.boolean().default(false),
        verifyWindowS: z.number().int().min(1).max(3600).optional(),
        newPassword: z.boolean().default(false),
        caCertificate: pem.max(20_000).optional(),
      })
      .strict()
      .refine((p) => (p.from === undefined) !== (p.backup === undefined), 'issue.swapSource'),
  ),
  /** The swap's plan without a run (the replacement is read, nothing written). */
  'commissioning.swapPlan': method<Plan>()(
    z
      .object({
        from: identity.optional(),
        backup: swapBackupText.optional(),
        to: identity,
        newPassword: z.boolean().default(false),
        caCertificate: pem.max(20_000).optional(),
      })
      .strict()
      .refine((p) => (p.from === undefined) !== (p.backup === undefined), 'issue.swapSource'),
  ),
  'commissioning.get': method<RunDetail>()(z.object({ id }).strict()),
  'commissioning.approve': method<RunSummary>()(z.object({ id }).strict()),
  'commissioning.cancel': method<RunSummary>()(z.object({ id }).strict()),
  'commissioning.retry': method<RunSummary>()(z.object({ id }).strict()),
  /** A failed run's accepted values back to the snapshot before it (read back); the run says what the box holds. */
  'commissioning.putBack': method<RunDetail>()(z.object({ id }).strict()),
  /** A fleet's plans as one: per OCPP version the shared changes, the exceptions per box (h-fleet). */
  'commissioning.fleetPlan': method<FleetPlan>()(z.object({ fleetId: z.string().uuid() }).strict()),
  /** One approval for the combined plan: every waiting run of the fleet goes on (or only the boxes named). */
  'commissioning.approveFleet': method<RunSummary[]>()(
    z
      .object({ fleetId: z.string().uuid(), identities: z.array(identity).min(1).max(5000).optional() })
      .strict(),
  ),
  /** The fleet's combined result: the boxes under each outcome, failures with reason and put-back (h-fleet). */
  'commissioning.fleetResult': method<FleetResult>()(z.object({ fleetId: z.string().uuid() }).strict()),
  'commissioning.cancelFleet': method<RunSummary[]>()(z.object({ fleetId: z.string().uuid() }).strict()),
  'commissioning.retryFailed': method<RunSummary[]>()(z.object({ fleetId: z.string().uuid() }).strict()),
  // commissioning reports (h-report): one run or a whole site, PDF or HTML, in the language asked or the app's
  'report.run': method<ReportFile>()(
    z
      .object({
        runId: id,
        format: z.enum(['pdf', 'html']).default('pdf'),
        language: z.enum(languages).optional(),
      })
      .strict(),
  ),
  'report.site': method<ReportFile>()(
    z
      .object({
        siteId: id,
        format: z.enum(['pdf', 'html']).default('pdf'),
        language: z.enum(languages).optional(),
      })
      .strict(),
  ),
  /** Exactly a fleet's boxes, each with its latest run of the fleet, one page per box (h-fleet). */
  'report.fleet': method<ReportFile>()(
    z
      .object({
        fleetId: z.string().uuid(),
        format: z.enum(['pdf', 'html']).default('pdf'),
        language: z.enum(languages).optional(),
      })
      .strict(),
  ),
  /** Pre-flight checks of a box and its company CSMS (h-preflight); stored with the box's latest run. */
  'preflight.run': method<PreflightReport>()(
    z
      .object({
        identity,
        url: z.string().trim().min(1).max(2000).optional(),
        language: z.enum(languages).optional(),
      })
      .strict(),
  ),
  /** One zip for support: trace, configuration snapshots, runs and reports, uploads, logs, environment; secrets masked. */
  'support.bundle': method<BundleFile>()(
    z.object({ identity: identity.optional(), language: z.enum(languages).optional() }).strict(),
  ),
  // files for boxes (main/files, h-files): firmware over the tool's file server, logs uploaded by the box.
  /** Starts UpdateFirmware (1.6 SignedUpdateFirmware when signed) with a one-time URL; resolves once the box accepted. */
  'files.firmwareUpdate': method<FileJob>()(
    z
      .object({
        identity,
        name: z.string().trim().min(1).max(200),
        /** The app: the file's bytes. */
        base64: z.string().min(1).max(720_000_000).optional(),
        /** The CLI: a path on this machine. */
        path: z.string().min(1).max(4096).optional(),
        signature: z.string().trim().min(1).max(800).optional(),
        signingCertificate: z.string().trim().min(1).max(5500).optional(),
        retries: z.number().int().min(0).max(100).optional(),
        retryIntervalS: z.number().int().min(0).max(86_400).optional(),
        retrieveAt: z.string().datetime({ offset: true }).optional(),
        /** ftp for a box that only speaks FTP; http by default. */
        protocol: z.enum(['http', 'ftp']).optional(),
      })
      .strict()
      .refine((p) => (p.base64 === undefined) !== (p.path === undefined), 'issue.filesSource'),
  ),
  /** Starts GetDiagnostics (1.6) or GetLog (DiagnosticsLog / SecurityLog) with a one-time upload URL. */
  'files.fetchLog': method<FileJob>()(
    z
      .object({
        identity,
        type: z.enum(['diagnostics', 'security']).default('diagnostics'),
        maxUploadBytes: z
          .number()
          .int()
          .min(1024)
          .max(1024 * 1024 * 1024)
          .optional(),
        /** ftp for a box that only speaks FTP; http by default. */
        protocol: z.enum(['http', 'ftp']).optional(),
      })
      .strict(),
  ),
  'files.jobs': method<FileJob[]>()(z.object({ identity }).strict()),
  'files.job': method<FileJob>()(z.object({ id }).strict()),
  'files.cancel': method<FileJob>()(z.object({ id }).strict()),
  /** The files a box uploaded, newest first. */
  'files.list': method<BoxFile[]>()(z.object({ identity }).strict()),
  'files.read': method<BoxFileContent>()(z.object({ id }).strict()),
  // Boxes on a USB cable or their own HTTP API (main/drivers, h-serial): reads only until a run is started.
  'drivers.ports': method<SerialPortListing[]>()(none),
  /** The shipped register maps and console profiles a target can name. */
  'drivers.catalog': method<DriverCatalog>()(none),
  'drivers.identify': method<DriverIdentification>()(driverTarget.refine(hasPlace, 'issue.connectPlace')),
  /** The whole run (identify, snapshot, plan, write, read back); resolves when it ended. */
  'drivers.commission': method<RunDetail>()(
    driverTarget
      .extend({ identity, template: templateSchema, keepOnFailure: z.boolean().default(false) })
      .refine(hasPlace, 'issue.connectPlace'),
  ),
  /** The same run, answered at once with its id: its steps follow as commissioning.changed, commissioning.cancel
   *  stops it between writes and puts back what was written (h-drvrun). */
  'drivers.start': method<RunSummary>()(
    driverTarget
      .extend({ identity, template: templateSchema, keepOnFailure: z.boolean().default(false) })
      .refine(hasPlace, 'issue.connectPlace'),
  ),
  // Support tools (main/drivers/support-api.ts, h-regs): the Modbus register browser and the serial terminal.
  /** Any range of registers or bits, raw and decoded by the map when one is named; at most 125 registers. */
  'modbus.readRange': method<RangeReading>()(
    modbusTarget
      .extend({
        function: z.enum(['holding', 'input', 'coil', 'discrete']),
        address: z.number().int().min(0).max(65535),
        count: z.number().int().min(1).max(2000),
      })
      .refine(oneModbusPlace, 'issue.modbusPlace'),
  ),
  /** One map setting written through the map's range check, read before and back after; audited. */
  'modbus.writeRegister': method<MappedWriteOutcome>()(
    modbusTarget
      .extend({
        map: z.string().trim().min(1).max(300),
        setting: z.string().trim().min(1).max(60),
        value: z.number().finite(),
        /** The user saw the old and new value and agreed. */
        confirmed: z.literal(true),
      })
      .refine(oneModbusPlace, 'issue.modbusPlace'),
  ),
  /** Opens a serial port as a raw terminal; every line is recorded in the trace under `identity`. */
  'serial.open': method<TerminalInfo>()(
    z
      .object({
        path: serialPath,
        baudRate: z.number().int().min(300).max(4_000_000).optional(),
        dataBits: z.union([z.literal(7), z.literal(8)]).optional(),
        parity: z.enum(['none', 'even', 'odd']).optional(),
        stopBits: z.union([z.literal(1), z.literal(2)]).optional(),
        /** A console profile (shipped name or file): its serial settings, and what it marks secret is masked. */
        profile: z.string().trim().min(1).max(300).optional(),
      })
      .strict(),
  ),
  'serial.send': method<SentLine>()(
    z
      .object({
        session: z.string().min(1).max(64),
        text: z.string().max(512),
        hex: z.boolean().default(false),
        lineEnding: z.enum(['cr', 'lf', 'crlf', 'none']).default('cr'),
        rapi: z.boolean().default(false),
        sequence: z.boolean().default(false),
        secret: z.boolean().default(false),
      })
      .strict(),
  ),
  'serial.close': method<{ closed: true }>()(z.object({ session: z.string().min(1).max(64) }).strict()),
  'serial.sessions': method<TerminalInfo[]>()(none),

  // boxes and their runs (h-box)
  /** Every box the tool knows: stored, on the local CSMS now, or with runs; with its connection and commissioning state. */
  'boxes.list': method<BoxOverview[]>()(none),
  /** One box's whole record: its runs (each with its report), snapshots, card list, credentials, what forgetting loses. */
  'boxes.show': method<BoxDetail>()(z.object({ identity }).strict()),
  /** Deletes everything stored about the box (refused while one of its runs is unfinished); audited. */
  'boxes.forget': method<ForgetResult>()(z.object({ identity }).strict()),
  /** The latest run of each box that needs someone: a plan to approve, a failure, a box nobody confirmed. */
  'commissioning.attention': method<RunSummary[]>()(none),
  /** Who relies on a secret (a box, a company CSMS): what deleting it would break. */
  'secrets.usage': method<SecretUsage>()(z.object({ id }).strict()),

  /** Waits for the box's next Authorize and learns its card format from the card read on the desktop. */
  'formats.learn': method<LearnOutcome>()(
    z
      .object({
        identity,
        /** The desktop reading (hex); absent: the next card on an open desktop reader. */
        uidHex: z.string().trim().min(1).max(80).optional(),
        timeoutSeconds: z.number().int().min(5).max(600).default(120),
        /** Cards of this learning tapped before, when the first one left the format open. */
        previous: z
          .array(
            z
              .object({
                uidHex: z.string().trim().min(1).max(80),
                idTag: z.string().min(1).max(36),
                tokenType: z.string().max(20).optional(),
              })
              .strict(),
          )
          .max(4)
          .default([]),
      })
      .strict(),
  ),
  'formats.cancelLearn': method<{ cancelled: boolean }>()(z.object({ identity }).strict()),
  'formats.get': method<UidFormatProfile | null>()(z.object({ identity }).strict()),
  'formats.list': method<UidFormatProfile[]>()(none),
  /** The named formats met in the field, each with what it makes of a sample card. */
  'formats.presets': method<UidFormatCandidate[]>()(none),
  /** A format chosen by hand (a preset name or a whole format) for the box. */
  'formats.save': method<UidFormatProfile>()(z.object({ identity, format: uidFormatChoice }).strict()),
  'formats.clear': method<{ cleared: boolean }>()(z.object({ identity }).strict()),

  /** Card readers of every kind plugged in now, their state, and the kinds that cannot be listed. */
  'readers.list': method<ReadersSnapshot>()(none),
  /** A serial reader by path (ptys and adapters the OS does not list), or new baud/format for one. */
  'readers.addSerial': method<ReaderView>()(
    z
      .object({
        path: serialPath,
        baudRate: z.number().int().min(300).max(1_000_000).optional(),
        format: z.enum(['lines', 'rdm6300']).optional(),
      })
      .strict(),
  ),
  /** A HID device the user names as a card reader, by its path or its vendor:product id (hex). */
  'readers.addHid': method<ReaderView>()(
    z
      .object({
        device: z
          .string()
          .trim()
          .min(1)
          .max(300)
          .regex(
            /^([/\\].*|IOService:.*|(0x)?[0-9a-fA-F]{1,4}:(0x)?[0-9a-fA-F]{1,4})$/,
            'a device path or vid:pid',
          ),
      })
      .strict(),
  ),
  /** Starts batch enrollment: taps on these readers (and typed ones) become cards with these settings. */
  'enrollment.start': method<EnrollmentStatus>()(
    z
      .object({
        readers: z.array(readerId).max(16),
        groupId: id.optional(),
        label: z.string().trim().min(1).max(60).optional(),
        roster: z
          .array(
            z
              .string()
              .trim()
              .min(1)
              .max(60)
              .regex(/^[^#]*$/, 'issue.noHash'),
          )
          .min(1)
          .max(5000)
          .optional(),
        owner: z.string().trim().min(1).max(120).optional(),
        validUntil: z
          .string()
          .datetime({ offset: true })
          .refine((v) => Date.parse(v) > Date.now(), 'issue.future')
          .optional(),
      })
      .strict()
      .refine((v) => !(v.label && v.roster), {
        message: 'issue.labelOrRoster',
        path: ['roster'],
      }),
  ),
  'enrollment.stop': method<EnrollmentStatus>()(none),
  'enrollment.status': method<EnrollmentStatus>()(none),
  /** A UID typed by hand or caught from a keyboard reader by the window, with the session's settings. */
  'enrollment.tap': method<TapOutcome>()(
    z
      .object({
        uid: z.string().trim().min(1).max(80),
        source: z.enum(['hid', 'typed']),
        notation: z.enum(['auto', 'hex', 'decimal']).default('auto'),
        reader: readerId.optional(),
      })
      .strict(),
  ),

  'trace.list': method<TraceFrame[]>()(
    z
      .object({
        identity: identity.optional(),
        afterId: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
  ),
  /** The serial ports and Modbus targets the trace holds frames of (boxes are in stations.list). */
  'trace.places': method<TracePlace[]>()(none),

  // sync (h-sync)
  'sync.list': method<ConnectorInfo[]>()(none),
  /** Adds a company CSMS, or updates the one of that name; the credential goes to the vault only. */
  'sync.add': method<ConnectorInfo>()(
    z
      .object({
        kind: z.enum(connectorKinds),
        name,
        baseUrl: z.string().trim().url().max(500),
        user: z.string().trim().max(200).optional(),
        credential: z.string().min(1).max(4000).optional(),
        tenantId: z.number().int().min(0).optional(),
        concurrency: z.number().int().min(1).max(64).optional(),
        timeoutS: z.number().int().min(1).max(600).optional(),
        backoffBaseMs: z.number().int().min(10).max(3_600_000).optional(),
        caCertificate: z.string().max(20_000).optional(),
        graphqlUrl: z.string().trim().url().max(500).optional(),
        shape: z.enum(['plain', 'steve', 'ocpi']).optional(),
        countryCode: z.string().trim().max(2).optional(),
        partyId: z.string().trim().max(3).optional(),
      })
      .strict(),
  ),
  'sync.test': method<ConnectionCheck[]>()(z.object({ connector: name }).strict()),
  'sync.status': method<ConnectorStatus[]>()(z.object({ connector: name.optional() }).strict()),
  'sync.run': method<SyncRunSummary>()(
    z.object({ connector: name, maxWaitS: z.number().min(0).max(3600).default(30) }).strict(),
  ),
  'sync.dryRun': method<DryRunItem[]>()(z.object({ connector: name }).strict()),
  'sync.conflicts': method<TokenJob[]>()(z.object({ connector: name.optional() }).strict()),
  'sync.resolve': method<SyncJob>()(z.object({ jobId: id, choice: z.enum(['ours', 'theirs']) }).strict()),
  'sync.retry': method<{ retried: number }>()(z.object({ connector: name }).strict()),
  /** Where each card (UID hex) and station stands at each company CSMS: its latest outbox job. */
  'sync.states': method<SyncState[]>()(
    z
      .object({
        cards: z
          .array(z.string().regex(/^[0-9A-Fa-f]{2,64}$/))
          .max(10_000)
          .optional(),
        stations: z.array(identity).max(10_000).optional(),
      })
      .strict(),
  ),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller passes (defaults not yet applied). */
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a handler receives (validated, defaults applied). */
export type ValidParamsOf<M extends MethodName> = z.output<Methods[M]['input']>;
export type ResultOf<M extends MethodName> = Methods[M] extends MethodSpec<z.ZodType, infer R> ? R : never;

export interface Events {
  /** Something in the store changed: lists showing that entity should reload. */
  'data.changed': { entity: DataEntity };
  /** The local CSMS was started or stopped (from any face: desktop, browser, CLI). */
  'csms.changed': CsmsStatus;
  /** A box connected, booted, changed status, was admitted or went offline. */
  'boxes.changed': BoxInfo;
  /** One frame (or connection event) of the live OCPP trace, already redacted. */
  'trace.frame': TraceFrame;
  /** A box's live state changed (main/ocpp/live). */
  'live.changed': LiveBox;
  /** Charging went idle, or energy management intervened: when and why. */
  'live.notice': LiveNotice;
  /** A commissioning run moved: a step began or ended, it waits for its box, it ended. */
  'commissioning.changed': RunSummary;
  /** A card-format learning moved: the box boots, waits for the tap, heard it, learned, failed. */
  'formats.learn': LearnProgress;
  /** A box of a site push moved: queued, pushing (entries sent), done, skipped, failed, cancelled. */
  'cards.pushProgress': SitePushProgress;
  /** An import's one transaction moved: cards written into it so far (committed only at its end). */
  'cards.importProgress': ImportProgress;
  /** A reader was plugged in or out, opened, or failed; or a kind of reader became (un)listable. */
  'readers.changed': ReadersSnapshot;
  /** A tap of the running enrollment, stored before it is announced (or why it was refused). */
  'cards.tapped': TapOutcome;
  /** A firmware update or log fetch moved: a status from the box, a file served or received, its end. */
  'files.job': FileJob;
}
export type EventName = keyof Events;
export const eventNames: readonly EventName[] = [
  'data.changed',
  'boxes.changed',
  'trace.frame',
  'live.changed',
  'live.notice',
  'commissioning.changed',
  'formats.learn',
  'cards.pushProgress',
  'cards.importProgress',
  'readers.changed',
  'cards.tapped',
  'files.job',
];

export function isMethodName(value: string): value is MethodName {
  return Object.hasOwn(methods, value);
}
