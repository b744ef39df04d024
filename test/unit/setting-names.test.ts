// Setting names as typed by a technician: 1.6 names mapped to their 2.0.1 variable (and back), names that
// cannot be a setting refused, and the closest names a box has offered. Pure logic: no wire involved.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AppError } from '../../main/api/errors.ts';
import { parseKey } from '../../main/ocpp/key201.ts';
import { neededVariables, readOnly201 } from '../../main/ocpp/read201.ts';
import {
  closestNames,
  counterpart,
  pickSettings,
  resolveNames,
  validForm,
} from '../../main/ocpp/setting-names.ts';
import { readOnlyPairs } from '../support/read-only-pairs.ts';

const table = JSON.parse(
  readFileSync(new URL('../../resources/profiles/ocpp16-to-201.json', import.meta.url), 'utf8'),
) as { names: { ocpp16: string; ocpp201: string }[] };

test('1.6 names with the same meaning map to their 2.0.1 variable, and back for a 1.6 box', () => {
  assert.equal(counterpart('2.0.1', 'HeartbeatInterval'), 'OCPPCommCtrlr.HeartbeatInterval');
  assert.equal(counterpart('2.0.1', 'metervaluesampleinterval'), 'SampledDataCtrlr.TxUpdatedInterval');
  assert.equal(counterpart('2.0.1', 'ConnectionTimeOut'), 'TxCtrlr.EVConnectionTimeOut');
  assert.equal(counterpart('2.0.1', 'LocalAuthListEnabled'), 'LocalAuthListCtrlr.Enabled');
  assert.equal(counterpart('2.0.1', 'OCPPCommCtrlr.HeartbeatInterval'), null, 'already a 2.0.1 name');
  assert.equal(counterpart('1.6', 'OCPPCommCtrlr.HeartbeatInterval'), 'HeartbeatInterval');
  assert.equal(counterpart('2.0.1', 'NumberOfConnectors'), null, 'no counterpart with the same meaning');
});

test('a name that cannot be a setting of the version is told apart from one that can', () => {
  assert.equal(validForm('2.0.1', 'HeartbeatInterval'), false);
  assert.equal(validForm('2.0.1', 'OCPPCommCtrlr.MessageTimeout[Default]'), true);
  assert.equal(validForm('1.6', 'Heartbeat Interval'), false);
  assert.equal(validForm('1.6', 'A'.repeat(51)), false);
  assert.equal(validForm('1.6', 'Cst_BackendUrl'), true);
});

test('the closest names are found by the variable part as well as the whole name', () => {
  const names = [
    'OCPPCommCtrlr.HeartbeatInterval',
    'SampledDataCtrlr.TxUpdatedInterval',
    'AuthCtrlr.Enabled',
  ];
  assert.equal(closestNames('HeartbeatIntervall', names)[0], 'OCPPCommCtrlr.HeartbeatInterval');
  assert.equal(closestNames('OCPPCommCtrl.HeartbeatInterval', names)[0], 'OCPPCommCtrlr.HeartbeatInterval');
});

test('resolveNames maps, keeps the box spelling, and refuses with the closest names', () => {
  const known = ['HeartbeatInterval', 'MeterValueSampleInterval', 'AuthorizationKey'];
  const ok = resolveNames({ identity: 'B', version: '1.6', known }, [
    { key: 'heartbeatinterval', value: '1' },
  ]);
  assert.deepEqual(ok.changes, [{ key: 'HeartbeatInterval', value: '1' }]);
  const mapped = resolveNames({ identity: 'B', version: '2.0.1', known: null }, [
    { key: 'HeartbeatInterval' },
  ]);
  assert.deepEqual(mapped.mapped, [{ from: 'HeartbeatInterval', to: 'OCPPCommCtrlr.HeartbeatInterval' }]);
  assert.throws(
    () => resolveNames({ identity: 'B', version: '1.6', known }, [{ key: 'HeartbeatIntervall' }]),
    (e: unknown) =>
      e instanceof AppError &&
      e.code === 'SETTING_NAME_UNKNOWN' &&
      String(e.params.closest).startsWith('HeartbeatInterval'),
  );
  assert.throws(
    () => resolveNames({ identity: 'B', version: null, known: null }, [{ key: 'Heartbeat Interval' }]),
    (e: unknown) => e instanceof AppError && e.code === 'SETTING_NAME_INVALID',
  );
});

test('the name table holds each 1.6 and each 2.0.1 name once, and every 2.0.1 name is Component.Variable[instance]', () => {
  const once = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);
  assert.deepEqual(once(table.names.map((r) => r.ocpp16.toLowerCase())), [], 'a 1.6 name twice');
  assert.deepEqual(once(table.names.map((r) => r.ocpp201.toLowerCase())), [], 'a 2.0.1 name twice');
  for (const { ocpp16, ocpp201 } of table.names) {
    assert.ok(validForm('1.6', ocpp16), `${ocpp16} is a 1.6 key (CiString50)`);
    assert.equal(parseKey(ocpp16), null, `${ocpp16} must not look like a 2.0.1 name`);
    const ref = parseKey(ocpp201);
    assert.ok(ref, `${ocpp201} parses as Component.Variable[instance]`);
    // Station-wide controller variables: no component instance, no EVSE, and the string round-trips.
    assert.equal(ref.component.instance, undefined, ocpp201);
    assert.equal(ref.component.evse, undefined, ocpp201);
    const instance = ref.variable.instance ? `[${ref.variable.instance}]` : '';
    assert.equal(`${ref.component.name}.${ref.variable.name}${instance}`, ocpp201);
  }
});

test('1.6 keys whose 2.0.1 namesake differs in meaning or value form are not mapped (docs/setting-names.md)', () => {
  // Entries[ChargingProfiles] counts the installed profiles; the 1.6 key is the maximum.
  assert.equal(counterpart('2.0.1', 'MaxChargingProfilesInstalled'), null);
  assert.equal(counterpart('1.6', 'SmartChargingCtrlr.Entries[ChargingProfiles]'), null);
  // Values Current/Power in 1.6, A/W in 2.0.1.
  assert.equal(counterpart('2.0.1', 'ChargingScheduleAllowedChargingRateUnit'), null);
  // 1.6 takes the password hex-encoded, 2.0.1 as the plain password: one value, two different passwords.
  assert.equal(counterpart('2.0.1', 'AuthorizationKey'), null);
  assert.equal(counterpart('1.6', 'SecurityCtrlr.BasicAuthPassword'), null);
  assert.throws(
    () => resolveNames({ identity: 'B', version: '2.0.1', known: null }, [{ key: 'AuthorizationKey' }]),
    (e: unknown) => e instanceof AppError && e.code === 'SETTING_NAME_INVALID',
  );
});

test('1.6 keys with a 2.0.1 variable of the same meaning found in the spec check are mapped', () => {
  assert.equal(
    counterpart('2.0.1', 'UnlockConnectorOnEVSideDisconnect'),
    'OCPPCommCtrlr.UnlockOnEVSideDisconnect',
  );
  assert.equal(counterpart('2.0.1', 'MaxEnergyOnInvalidId'), 'TxCtrlr.MaxEnergyOnInvalidId');
  assert.equal(counterpart('1.6', 'TxCtrlr.MaxEnergyOnInvalidId'), 'MaxEnergyOnInvalidId');
  assert.equal(
    counterpart('2.0.1', 'TransactionMessageAttempts'),
    'OCPPCommCtrlr.MessageAttempts[TransactionEvent]',
  );
});

test('the four read-only pairs map, are read as ReadOnly by the GetVariables fallback, and are picked by their 1.6 names', () => {
  const pairs = readOnlyPairs;
  const fallback = new Map(neededVariables().map((w) => [w.key, w.access]));
  for (const [name, variable] of pairs) {
    assert.equal(counterpart('2.0.1', name), variable);
    assert.equal(counterpart('1.6', variable), name);
    assert.equal(fallback.get(variable), 'ReadOnly', `${variable} is read, never offered for writing`);
    assert.equal(readOnly201(variable), true);
  }
  // Every table name the spec makes ReadOnly is marked so: none is read as writable by mistake.
  for (const variable of ['SecurityCtrlr.SecurityProfile', 'LocalAuthListCtrlr.ItemsPerMessage'])
    assert.equal(fallback.get(variable), 'ReadOnly', variable);
  assert.equal(readOnly201('OCPPCommCtrlr.HeartbeatInterval'), false);

  const entries = [
    { key: 'ReservationCtrlr.NonEvseSpecific', value: 'true', readonly: true },
    { key: 'OCPPCommCtrlr.HeartbeatInterval', value: '60', readonly: false },
  ];
  const picked = pickSettings('B', '2.0.1', entries, [
    'reserveconnectorzerosupported',
    'OCPPCommCtrlr.heartbeatinterval',
  ]);
  assert.deepEqual(picked.entries, [
    { ...entries[0], requestedKey: 'reserveconnectorzerosupported' },
    entries[1],
  ]);
  assert.deepEqual(picked.mapped, [
    { from: 'reserveconnectorzerosupported', to: 'ReservationCtrlr.NonEvseSpecific' },
  ]);
  // A box that does not report the variable: said at once, with the closest names it has.
  assert.throws(
    () => pickSettings('B', '2.0.1', entries, ['ConnectorSwitch3to1PhaseSupported']),
    (e: unknown) =>
      e instanceof AppError &&
      e.code === 'SETTING_NAME_UNKNOWN' &&
      e.params.name === 'SmartChargingCtrlr.Phases3to1',
  );
});
