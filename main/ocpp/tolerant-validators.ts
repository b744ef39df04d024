// The OCPP schemas, applied the way a commissioning tool must: what the tool sends is checked strictly,
// what a box sends is let through when a firmware gets a detail wrong (a vendor field, a long text).
//
// Strict ocpp-rpc refuses a box's NotifyReport for one unknown enum value, and the run then waits for a
// report that never comes. Here such a frame is accepted and the violation is kept for the trace; only
// a box frame the tool cannot use at all (a required field missing, a wrong type) is still refused.
import { createRequire } from 'node:module';

export interface Violation {
  schemaId: string;
  message: string;
}

/** Validators as ocpp-rpc's strictModeValidators take them. */
export interface RpcValidator {
  readonly subprotocol: string;
  validate(schemaId: string, params: unknown): boolean;
}

/** Box frames let through despite a violation, keyed by the payload object ocpp-rpc hands on. */
export const toleratedViolations = new WeakMap<object, Violation>();

/** Calls the box starts; every other action is started by the CSMS. DataTransfer goes both ways. */
const fromBox: Record<string, ReadonlySet<string>> = {
  'ocpp1.6': new Set([
    'Authorize',
    'BootNotification',
    'DataTransfer',
    'DiagnosticsStatusNotification',
    'FirmwareStatusNotification',
    'Heartbeat',
    'MeterValues',
    'StartTransaction',
    'StatusNotification',
    'StopTransaction',
    'SecurityEventNotification',
    'SignCertificate',
    'LogStatusNotification',
    'SignedFirmwareStatusNotification',
  ]),
  'ocpp2.0.1': new Set([
    'Authorize',
    'BootNotification',
    'ClearedChargingLimit',
    'DataTransfer',
    'FirmwareStatusNotification',
    'Get15118EVCertificate',
    'GetCertificateStatus',
    'Heartbeat',
    'LogStatusNotification',
    'MeterValues',
    'NotifyChargingLimit',
    'NotifyCustomerInformation',
    'NotifyDisplayMessages',
    'NotifyEVChargingNeeds',
    'NotifyEVChargingSchedule',
    'NotifyEvent',
    'NotifyMonitoringReport',
    'NotifyReport',
    'PublishFirmwareStatusNotification',
    'ReportChargingProfiles',
    'ReservationStatusUpdate',
    'SecurityEventNotification',
    'SignCertificate',
    'StatusNotification',
    'TransactionEvent',
  ]),
};

/** Keywords that make a frame unusable: the tool would read a field that is not there or not that type. */
const unusable = new Set(['required', 'type']);

/** True when the payload behind this schema id was written by the box, not by the tool. */
export function writtenByBox(subprotocol: string, schemaId: string): boolean {
  const match = /^urn:(\w+)\.(req|conf)$/.exec(schemaId);
  if (!match) return false;
  const [, action = '', kind] = match;
  const boxStarts = fromBox[subprotocol]?.has(action) ?? false;
  if (action === 'DataTransfer') return true;
  return kind === 'req' ? boxStarts : !boxStarts;
}

function keywordsOf(error: unknown): string[] {
  const details = (error as { details?: { errors?: Array<{ keyword?: string }> } }).details;
  return (details?.errors ?? []).map((e) => e.keyword ?? '');
}

/** The error ocpp-rpc answers a box with: its code and a short text, without the schema's paths and
 *  keywords or the box's own payload echoed back (a frame nested 10,000 deep cannot be serialised). */
function withoutInternals(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const rpc = error as { details?: unknown; message?: string };
  rpc.details = {};
  if (typeof rpc.message === 'string' && rpc.message.length > 200)
    rpc.message = `${rpc.message.slice(0, 200)}…`;
  return error;
}

/**
 * The tool's own payloads whose every part has the shape of one already validated strictly, built by the
 * same code from data checked where it came in (local list parts: local-list-push.ts). They go out without
 * being walked by the schema again; a box's frames are never in here.
 */
export const validatedShapes = new WeakSet<object>();

/** A schema's compiled check: true when the payload passes (ajv's validate function). */
type Check = (params: unknown) => boolean;

/** What the validator knows of one schema id: its compiled check (none when ajv has no such schema or
 *  cannot be asked) and whether the box writes such payloads. */
interface KnownSchema {
  check: Check | undefined;
  byBox: boolean;
}

/**
 * Each schema id looked up once: ocpp-rpc asks ajv for the compiled check by id on every frame (getSchema
 * resolves and normalises the id each time), and whether the box wrote it is read from the id by a regex.
 * Only the schemas the subprotocol has are kept, so a box naming actions at will does not grow the map.
 */
function schemaLookup(base: RpcValidator): (schemaId: string) => KnownSchema {
  const ajv = (base as { _ajv?: { getSchema?: (id: string) => Check | undefined } })._ajv;
  const getSchema = typeof ajv?.getSchema === 'function' ? ajv.getSchema : undefined;
  const known = new Map<string, KnownSchema>();
  return (schemaId) => {
    const found = known.get(schemaId);
    if (found) return found;
    const check = getSchema?.call(ajv, schemaId);
    const schema = {
      check: typeof check === 'function' ? check : undefined,
      byBox: writtenByBox(base.subprotocol, schemaId),
    };
    if (schema.check) known.set(schemaId, schema);
    return schema;
  };
}

export function tolerant(base: RpcValidator): RpcValidator {
  const schemaOf = schemaLookup(base);
  return {
    subprotocol: base.subprotocol,
    validate(schemaId, params) {
      const schema = schemaOf(schemaId);
      if (typeof params === 'object' && params !== null && validatedShapes.has(params) && !schema.byBox)
        return true;
      // A payload that passes its schema is what base.validate answers true; one that does not (or a schema
      // id ajv does not know) goes through base.validate, which checks it again and throws its own error.
      if (schema.check?.(params) === true) return true;
      try {
        return base.validate(schemaId, params);
      } catch (error) {
        const keywords = keywordsOf(error);
        const usable = keywords.length > 0 && !keywords.some((k) => unusable.has(k));
        if (!usable || !schema.byBox) throw withoutInternals(error);
        if (typeof params === 'object' && params !== null) {
          toleratedViolations.set(params, {
            schemaId,
            message: String((error as Error).message).slice(0, 300),
          });
        }
        return true;
      }
    },
  };
}

/** Made once per process: ajv compiles each schema on its first use, and a restarted CSMS (or a second
 *  one) keeps what was compiled instead of compiling every action's schema again. */
let shared: Promise<RpcValidator[]> | undefined;

/** ocpp-rpc's own schemas for the versions the tool speaks, made tolerant of box frames. */
export function tolerantValidators(): Promise<RpcValidator[]> {
  shared ??= makeValidators();
  return shared;
}

async function makeValidators(): Promise<RpcValidator[]> {
  const { createValidator } = (await import('ocpp-rpc')).default as unknown as {
    createValidator(subprotocol: string, schemas: unknown): RpcValidator;
  };
  const require = createRequire(import.meta.url);
  return [
    tolerant(createValidator('ocpp1.6', require('ocpp-rpc/lib/schemas/ocpp1_6.json'))),
    tolerant(createValidator('ocpp2.0.1', require('ocpp-rpc/lib/schemas/ocpp2_0_1.json'))),
  ];
}
