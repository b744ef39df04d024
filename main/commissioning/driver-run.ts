// The commissioning run for a box reached through a driver (serial RAPI, HTTP, Modbus, console) instead of
// OCPP: identify, snapshot, plan old → new with every value checked first, approval, write, read back,
// put back on failure, audit and the run record as its report, all in the same run store as OCPP runs.
import { isAppError } from '../api/errors.ts';
import { checkSettingWrite, showSettingValue } from '../drivers/setting-check.ts';
import {
  type SettingSpec,
  type SettingValue,
  type StationDriver,
  wellKnownSettings,
} from '../drivers/station-driver.ts';
import type { AuditAction } from '../store/audit-actions.ts';
import type { RunStore } from './run-store.ts';
import type { Template } from './template.ts';
import type { DriverRunState, PlannedWrite, RollbackEntry, RunDetail, RunError, StepName } from './types.ts';

export interface DriverRunInput {
  actor: string;
  /** The box's name in runs and audit (its OCPP identity when it will have one). */
  identity: string;
  template: Template;
  driver: StationDriver;
  /** Shown the plan before anything is written; resolves true to write. Absent: approved as planned. */
  approve?: (plan: NonNullable<DriverRunState['plan']>) => Promise<boolean>;
  keepOnFailure?: boolean;
  /** Cancels between steps and between writes: what was written is put back (newest first, read back). A
   *  write already on the wire is waited for; its answer (or that none came) is what the run records. */
  signal?: AbortSignal;
  /** A run created already (CommissioningService.startDriver answers with its id at once); absent: created here. */
  runId?: number;
  onChange?: (run: RunDetail) => void;
}

interface Wanted {
  name: string;
  value: SettingValue;
}

const errorOf = (error: unknown): RunError =>
  isAppError(error)
    ? { code: error.code, params: error.params }
    : { code: 'INTERNAL', params: { detail: String(error).slice(0, 200) } };

/** What the template asks of this box, in the driver's setting names; what it cannot do becomes a note. */
export function wantedFromTemplate(
  template: Template,
  driver: Pick<StationDriver, 'name' | 'describeSettings'>,
  identity: string,
): { wanted: Wanted[]; notes: RunError[] } {
  const specs = new Map(driver.describeSettings().map((s) => [s.name, s]));
  const wanted: Wanted[] = [];
  const notes: RunError[] = [];
  const missing = (capability: string) =>
    notes.push({ code: 'DRIVER_CAPABILITY_MISSING', params: { driver: driver.name, capability } });
  if (template.maxCurrentA !== undefined) {
    if (specs.has(wellKnownSettings.currentInstallation))
      wanted.push({ name: wellKnownSettings.currentInstallation, value: template.maxCurrentA });
    else missing('set-current-limits');
  }
  if (specs.has(wellKnownSettings.ocppServer)) {
    wanted.push({ name: wellKnownSettings.ocppServer, value: template.csms.url });
    if (specs.has(wellKnownSettings.ocppIdentity))
      wanted.push({ name: wellKnownSettings.ocppIdentity, value: identity });
    if (specs.has(wellKnownSettings.ocppEnabled))
      wanted.push({ name: wellKnownSettings.ocppEnabled, value: true });
    if (template.csms.securityProfile > 0) missing('set-ocpp-password');
  } else {
    missing('set-ocpp-endpoint');
  }
  for (const [name, value] of Object.entries(template.settings)) {
    if (specs.has(name)) wanted.push({ name, value });
    else notes.push({ code: 'DRIVER_SETTING_UNKNOWN', params: { driver: driver.name, name } });
  }
  return { wanted, notes };
}

const same = (a: SettingValue | null | undefined, b: SettingValue) =>
  a !== null && a !== undefined && (typeof b === 'number' ? Number(a) === b : String(a) === String(b));

export async function runDriverCommissioning(runs: RunStore, input: DriverRunInput): Promise<RunDetail> {
  const { driver, identity, template, actor } = input;
  let run =
    input.runId !== undefined
      ? runs.get(input.runId)
      : runs.create(actor, identity, template, input.approve ? 'manual' : 'auto', null, input.keepOnFailure);
  const state: DriverRunState = {
    driver: driver.name,
    address: '',
    station: null,
    before: {},
    plan: null,
    readBack: {},
  };
  const save = (
    change: (r: RunDetail) => void,
    audit?: { action: AuditAction; after?: unknown },
  ): RunDetail => {
    run = runs.update(
      run.id,
      (r) => {
        change(r);
        r.state.driver = state;
      },
      audit ? { actor, ...audit } : undefined,
    );
    input.onChange?.(run);
    return run;
  };
  const step = (name: StepName, status: 'running' | 'done' | 'failed' | 'skipped') =>
    save((r) => {
      const record = r.state.steps.find((s) => s.step === name);
      if (!record) return;
      const now = new Date().toISOString();
      if (status === 'running') record.startedAt = now;
      else record.finishedAt = now;
      record.status = status;
      if (status === 'running') r.step = name;
    });
  const fail = (name: StepName, error: RunError) => {
    step(name, 'failed');
    return save((r) => {
      r.status = 'failed';
      r.error = error;
    });
  };
  const specs = () => new Map<string, SettingSpec>(driver.describeSettings().map((s) => [s.name, s]));
  const raw = new Map<string, SettingValue | null>();
  /** Writes whose answer never came: if putting one back fails too, what the box holds is unknown. */
  const unconfirmed = new Set<string>();
  const cancelled = () => input.signal?.aborted === true;
  /** Ends the run cancelled at this step; what was written so far is put back and read back first. */
  const cancel = async (name: StepName, written: PlannedWrite[] = []) => {
    const rollback = written.length > 0 ? await putBack(driver, written, raw, false, unconfirmed) : null;
    step(name, 'failed');
    return save(
      (r) => {
        r.status = 'cancelled';
        r.error = { code: 'CANCELLED', params: {} };
        if (rollback) r.state.rollback = rollback;
      },
      {
        action: 'commissioning.cancelled',
        after: {
          step: name,
          putBack: rollback?.entries.map((e) => ({ key: e.key, outcome: e.outcome })) ?? [],
        },
      },
    );
  };

  // identify: who is on the other end, before anything else.
  step('identify', 'running');
  try {
    state.station = await driver.identify();
    state.address = state.station.address;
  } catch (error) {
    return fail('identify', errorOf(error));
  }
  step('identify', 'done');
  if (cancelled()) return cancel('snapshot');

  // snapshot: everything readable, so the plan shows old → new and a failure can put it back.
  step('snapshot', 'running');
  try {
    const shown = specs();
    for (const reading of await driver.readSettings(
      [...shown.values()].filter((s) => s.access !== 'write-only').map((s) => s.name),
    )) {
      raw.set(reading.name, reading.value);
      state.before[reading.name] = showSettingValue(shown.get(reading.name), reading.value);
    }
  } catch (error) {
    return fail('snapshot', errorOf(error));
  }
  step('snapshot', 'done');
  if (cancelled()) return cancel('plan');

  // plan: every value checked against the box's own spec before the first write.
  step('plan', 'running');
  const { wanted, notes } = wantedFromTemplate(template, driver, identity);
  const writes: PlannedWrite[] = [];
  const values = new Map<string, SettingValue>();
  const problems: RunError[] = [];
  for (const want of wanted) {
    try {
      const { spec, value } = checkSettingWrite(driver, want.name, want.value);
      if (!spec.secret && same(raw.get(want.name), value)) continue;
      values.set(want.name, value);
      writes.push({
        key: want.name,
        from: state.before[want.name] ?? null,
        to: showSettingValue(spec, value) ?? '',
        secret: spec.secret === true,
      });
    } catch (error) {
      problems.push(errorOf(error));
    }
  }
  state.plan = { writes, problems, notes };
  if (problems.length > 0) return fail('plan', problems[0] as RunError);
  step('plan', 'done');

  if (input.approve) {
    save((r) => {
      r.status = 'awaiting-approval';
    });
    const approved = await input.approve(state.plan);
    if (!approved || cancelled()) return cancel('write');
    save((r) => {
      r.status = 'running';
    });
  }

  // write: one setting at a time, each audited as the box confirmed it.
  step('write', 'running');
  const written: PlannedWrite[] = [];
  let failure: { step: StepName; error: RunError } | null = null;
  for (const write of writes) {
    if (cancelled()) return cancel('write', written);
    try {
      await driver.writeSetting(
        write.key,
        values.get(write.key) as SettingValue,
        input.signal ? { signal: input.signal } : {},
      );
      written.push(write);
      save(
        (r) => {
          r.state.results[write.key] = 'Accepted';
        },
        { action: 'commissioning.driver.write', after: { key: write.key, from: write.from, to: write.to } },
      );
    } catch (error) {
      const reason = errorOf(error);
      // Cancelled before it went on the wire: nothing was sent for it.
      if (reason.code === 'CANCELLED' && cancelled()) return cancel('write', written);
      // Unconfirmed: it may have landed, so it is put back like the ones that did.
      if (reason.code === 'DRIVER_WRITE_UNCONFIRMED') {
        written.push(write);
        unconfirmed.add(write.key);
      }
      save((r) => {
        r.state.results[write.key] = reason.code;
      });
      failure = { step: 'write', error: reason };
      // A cancel that came while this write was on the wire: its answer (or none) is recorded above.
      if (cancelled()) return cancel('write', written);
      break;
    }
  }
  if (!failure) {
    step('write', 'done');
    step('cards', 'skipped');
    step('reset', 'skipped');
    // verify: read back what was written; a secret cannot be read and is not claimed.
    step('verify', 'running');
    try {
      const readable = written.filter((w) => !w.secret).map((w) => w.key);
      const shown = specs();
      for (const reading of readable.length > 0 ? await driver.readSettings(readable) : []) {
        state.readBack[reading.name] = showSettingValue(shown.get(reading.name), reading.value);
        const expected = values.get(reading.name) as SettingValue;
        if (!same(reading.value, expected) && !failure) {
          failure = {
            step: 'verify',
            error: {
              code: 'DRIVER_READBACK_MISMATCH',
              params: { name: reading.name, expected: String(expected), actual: String(reading.value) },
            },
          };
        }
      }
      for (const w of written.filter((x) => x.secret)) state.readBack[w.key] = null;
    } catch (error) {
      failure = { step: 'verify', error: errorOf(error) };
    }
  }
  if (failure) {
    const rollback = await putBack(driver, written, raw, input.keepOnFailure === true, unconfirmed);
    save((r) => {
      r.state.rollback = rollback;
    });
    return fail(failure.step, failure.error);
  }
  // Cancelled while reading back: the run did not finish, so what it wrote goes back.
  if (cancelled()) return cancel('verify', written);
  step('verify', 'done');
  step('report', 'running');
  step('report', 'done');
  // Written and read back; no CSMS has seen the box yet, so the run does not say "confirmed".
  return save(
    (r) => {
      r.status = 'left-not-confirmed';
      r.error = null;
    },
    { action: 'commissioning.driver.done', after: { driver: driver.name, writes: writes.length } },
  );
}

/** After a failed write or read-back: writes the old values back (newest first) and reads them again. */
async function putBack(
  driver: StationDriver,
  written: PlannedWrite[],
  before: Map<string, SettingValue | null>,
  keep: boolean,
  unconfirmed: ReadonlySet<string>,
): Promise<NonNullable<RunDetail['state']['rollback']>> {
  const entries: RollbackEntry[] = [];
  for (const write of [...written].reverse()) {
    const base = { key: write.key, from: write.from, to: write.to, secret: write.secret };
    const old = before.get(write.key);
    if (keep) {
      entries.push({ ...base, outcome: 'kept' });
      continue;
    }
    if (write.secret || old === null || old === undefined) {
      entries.push({ ...base, outcome: 'write-only' });
      continue;
    }
    try {
      await driver.writeSetting(write.key, old);
      const [reading] = await driver.readSettings([write.key]);
      const readBack = reading?.value ?? null;
      entries.push({
        ...base,
        outcome: same(readBack, old) ? 'restored' : 'not-restored',
        readBack: readBack === null ? null : String(readBack),
      });
    } catch {
      // Never confirmed and not put back either: the box may hold the old value or the new one.
      const unknown = unconfirmed.has(write.key) ? { unconfirmed: true as const } : {};
      entries.push({ ...base, outcome: 'not-restored', readBack: null, ...unknown });
    }
  }
  const allBack = entries.every((e) => e.outcome === 'restored');
  return { mode: keep ? 'kept' : 'restored', entries, nextReboot: allBack ? 'as-before' : 'unknown' };
}
