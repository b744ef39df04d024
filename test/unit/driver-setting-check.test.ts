// A value outside a box's range, of the wrong type, or for a read-only setting is refused by the one
// check every driver uses, before anything reaches the box (in-process: a pure function, no wire).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../main/api/errors.ts';
import { checkSettingWrite, showSettingValue } from '../../main/drivers/setting-check.ts';
import type { SettingSpec } from '../../main/drivers/station-driver.ts';

const specs: SettingSpec[] = [
  {
    name: 'current.installation',
    type: 'integer',
    unit: 'A',
    range: { min: 6, max: 32 },
    access: 'read-write',
  },
  {
    name: 'current.failsafe',
    type: 'number',
    unit: 'A',
    range: { min: 6, max: 16, step: 0.5 },
    access: 'read-write',
  },
  { name: 'ocpp.enabled', type: 'boolean', unit: null, access: 'read-write' },
  { name: 'ocpp.authKey', type: 'string', unit: null, maxLength: 40, access: 'write-only', secret: true },
  { name: 'x.firmware', type: 'string', unit: null, access: 'read' },
];
const driver = { name: 'test', describeSettings: () => specs };
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AppError);
    return { code: error.code, params: error.params };
  }
  return null;
};

test('a value inside the range passes, converted from template text', () => {
  assert.equal(checkSettingWrite(driver, 'current.installation', '16').value, 16);
  assert.equal(checkSettingWrite(driver, 'current.failsafe', 7.5).value, 7.5);
  assert.equal(checkSettingWrite(driver, 'ocpp.enabled', 'on').value, true);
});

test('outside the range, off the step, wrong type, unknown or read-only: refused with the reason', () => {
  assert.deepEqual(
    code(() => checkSettingWrite(driver, 'current.installation', 40)),
    {
      code: 'DRIVER_VALUE_OUT_OF_RANGE',
      params: { name: 'current.installation', value: 40, min: 6, max: 32, unit: 'A' },
    },
  );
  assert.equal(
    code(() => checkSettingWrite(driver, 'current.failsafe', 7.2))?.code,
    'DRIVER_VALUE_OUT_OF_RANGE',
  );
  assert.equal(
    code(() => checkSettingWrite(driver, 'current.installation', '16.5'))?.code,
    'DRIVER_VALUE_INVALID',
  );
  assert.equal(code(() => checkSettingWrite(driver, 'ocpp.enabled', 'maybe'))?.code, 'DRIVER_VALUE_INVALID');
  assert.equal(code(() => checkSettingWrite(driver, 'nope', 1))?.code, 'DRIVER_SETTING_UNKNOWN');
  assert.equal(code(() => checkSettingWrite(driver, 'x.firmware', 'a'))?.code, 'DRIVER_SETTING_READ_ONLY');
});

test('a secret never appears in the error or in a shown value', () => {
  const refused = code(() => checkSettingWrite(driver, 'ocpp.authKey', 'k'.repeat(41)));
  assert.equal(refused?.code, 'DRIVER_VALUE_INVALID');
  assert.ok(!JSON.stringify(refused).includes('kkkk'));
  assert.equal(showSettingValue(specs[3], 'hunter2'), '(set)');
  assert.equal(showSettingValue(specs[3], ''), '(not set)');
});
