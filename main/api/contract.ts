// The contract: every method and event of the core, declared once with its argument schema and result.
// Electron IPC, the browser shell's WebSocket and the CLI serve exactly this list through one router.
import { z } from 'zod';
import { languages } from '../../locales/translate.ts';
import { templateSchema } from '../commissioning/template-schema.ts';
import type { RunDetail, RunSummary, StoredTemplate } from '../commissioning/types.ts';
import type {
  BoxInfo,
  ConfigSnapshot,
  CsmsStatus,
  PushOutcome,
  SettingResult,
  TestChargeResult,
  TraceFrame,
} from '../ocpp/types.ts';
import type {
  AppInfo,
  AuditEntry,
  Card,
  DataEntity,
  Group,
  SecretInfo,
  Settings,
  Site,
  Station,
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
const secretText = z.string().min(1).max(4096);
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

export const methods = {
  'app.info': method<AppInfo>()(none),
  'settings.get': method<Settings>()(none),
  'settings.set': method<Settings>()(z.object({ language: z.enum(languages) }).strict()),

  'sites.list': method<Site[]>()(none),
  'sites.create': method<Site>()(z.object({ name, address: z.string().trim().max(200).optional() }).strict()),
  'sites.rename': method<Site>()(z.object({ id, name }).strict()),
  'sites.delete': method<{ deleted: true }>()(z.object({ id }).strict()),

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
      })
      .strict(),
  ),
  'csms.stop': method<CsmsStatus>()(none),
  'boxes.admit': method<BoxInfo>()(z.object({ identity }).strict()),

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

  'commissioning.start': method<RunSummary>()(
    z
      .object({ identity, template: templateSchema, approval: z.enum(['auto', 'manual']).default('manual') })
      .strict(),
  ),
  'commissioning.fleet': method<{ fleetId: string; runs: RunSummary[] }>()(
    z
      .object({
        identities: z.array(identity).min(1).max(5000),
        template: templateSchema,
        approval: z.enum(['auto', 'manual']).default('auto'),
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
  'commissioning.get': method<RunDetail>()(z.object({ id }).strict()),
  'commissioning.approve': method<RunSummary>()(z.object({ id }).strict()),
  'commissioning.cancel': method<RunSummary>()(z.object({ id }).strict()),
  'commissioning.retry': method<RunSummary>()(z.object({ id }).strict()),
  'commissioning.cancelFleet': method<RunSummary[]>()(z.object({ fleetId: z.string().uuid() }).strict()),
  'commissioning.retryFailed': method<RunSummary[]>()(z.object({ fleetId: z.string().uuid() }).strict()),

  'trace.list': method<TraceFrame[]>()(
    z
      .object({
        identity: identity.optional(),
        afterId: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
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
  /** A commissioning run moved: a step began or ended, it waits for its box, it ended. */
  'commissioning.changed': RunSummary;
}
export type EventName = keyof Events;
export const eventNames: readonly EventName[] = [
  'data.changed',
  'boxes.changed',
  'trace.frame',
  'commissioning.changed',
];

export function isMethodName(value: string): value is MethodName {
  return Object.hasOwn(methods, value);
}
