// Setting names as typed by a technician: 1.6 names mapped to their 2.0.1 variable (and back), names that
// cannot be a setting refused, and the closest names a box has offered. Pure logic: no wire involved.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../main/api/errors.ts';
import { closestNames, counterpart, resolveNames, validForm } from '../../main/ocpp/setting-names.ts';

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
