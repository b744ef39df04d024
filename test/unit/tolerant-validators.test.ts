// What the tool lets through from a box and what it still refuses: firmware slips (vendor fields,
// enum values of a later edition) pass and are remembered for the trace; the tool's own frames stay strict.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  tolerantValidators,
  toleratedViolations,
  writtenByBox,
} from '../../main/ocpp/tolerant-validators.ts';

const validators = await tolerantValidators();
const v16 = validators.find((v) => v.subprotocol === 'ocpp1.6');
const v201 = validators.find((v) => v.subprotocol === 'ocpp2.0.1');

test('who wrote a frame follows from the action and whether it is a request or an answer', () => {
  assert.equal(writtenByBox('ocpp2.0.1', 'urn:NotifyReport.req'), true);
  assert.equal(writtenByBox('ocpp2.0.1', 'urn:NotifyReport.conf'), false);
  assert.equal(writtenByBox('ocpp2.0.1', 'urn:SetVariables.req'), false);
  assert.equal(writtenByBox('ocpp2.0.1', 'urn:SetVariables.conf'), true);
  assert.equal(writtenByBox('ocpp1.6', 'urn:BootNotification.req'), true);
  assert.equal(writtenByBox('ocpp1.6', 'urn:ChangeConfiguration.conf'), true);
});

test("a box's report with an enum value from a later edition is let through and remembered", () => {
  const report = {
    requestId: 1,
    generatedAt: '2026-11-26T00:00:00Z',
    seqNo: 0,
    reportData: [
      {
        component: { name: 'SecurityCtrlr' },
        variable: { name: 'BasicAuthPassword' },
        variableAttribute: [{ mutability: 'WriteOnly' }],
        variableCharacteristics: { dataType: 'passwordString', supportsMonitoring: false },
      },
    ],
  };
  assert.equal(v201?.validate('urn:NotifyReport.req', report), true);
  assert.match(toleratedViolations.get(report)?.message ?? '', /dataType/);
});

test('an answer with a vendor field is let through; one without its required status is refused', () => {
  const extra = { status: 'Accepted', vendorNote: 'ok' };
  assert.equal(v16?.validate('urn:ChangeConfiguration.conf', extra), true);
  assert.match(toleratedViolations.get(extra)?.message ?? '', /additional properties/);
  assert.throws(
    () => v16?.validate('urn:ChangeConfiguration.conf', { vendorNote: 'ok' }),
    /required property 'status'/,
  );
});

test("the tool's own frames stay strict: a bad call or a bad answer to the box is refused", () => {
  assert.throws(() => v201?.validate('urn:SetVariables.req', { setVariableData: [{ extra: 1 }] }));
  assert.throws(() =>
    v16?.validate('urn:BootNotification.conf', { status: 'Maybe', currentTime: 'x', interval: 1 }),
  );
});
