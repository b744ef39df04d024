// What the tool lets through from a box and what it still refuses: firmware slips (vendor fields,
// enum values of a later edition) pass and are remembered for the trace; the tool's own frames stay strict.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import ocppRpc from 'ocpp-rpc';
import {
  type RpcValidator,
  tolerant,
  tolerantValidators,
  toleratedViolations,
  validatedShapes,
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

test('each schema keeps its own compiled check: a second action, and a bad answer after many good ones, are still refused', () => {
  for (let i = 0; i < 200; i++) {
    assert.equal(v16?.validate('urn:SendLocalList.conf', { status: 'Accepted' }), true);
    assert.equal(v16?.validate('urn:ChangeConfiguration.conf', { status: 'Accepted' }), true);
  }
  // The same payload under another action's schema: GetLocalListVersion.conf needs its listVersion.
  assert.throws(
    () => v16?.validate('urn:GetLocalListVersion.conf', { status: 'Accepted' }),
    /required property 'listVersion'/,
  );
  assert.throws(() => v16?.validate('urn:SendLocalList.conf', { status: 7 }), /must be string/);
  assert.throws(() => v16?.validate('urn:SendLocalList.conf', {}), /required property 'status'/);
  // A box's slip after many clean answers is still let through and remembered.
  const slip = { status: 'Accepted', vendorNote: 'ok' };
  assert.equal(v16?.validate('urn:SendLocalList.conf', slip), true);
  assert.match(toleratedViolations.get(slip)?.message ?? '', /additional properties/);
  assert.throws(() => v16?.validate('urn:NoSuchAction.conf', {}), /missing from subprotocol schema/);
  // A payload marked as the tool's own shape is still checked where the box writes that schema.
  const marked = { status: 9 };
  validatedShapes.add(marked);
  assert.throws(() => v16?.validate('urn:SendLocalList.conf', marked), /must be string/);
});

test('a schema is looked up in ajv once, not for every frame', () => {
  const { createValidator } = ocppRpc as unknown as {
    createValidator(
      subprotocol: string,
      schemas: unknown,
    ): RpcValidator & {
      _ajv: { getSchema(id: string): unknown };
    };
  };
  const base = createValidator(
    'ocpp1.6',
    createRequire(import.meta.url)('ocpp-rpc/lib/schemas/ocpp1_6.json'),
  );
  const lookups: string[] = [];
  const getSchema = base._ajv.getSchema.bind(base._ajv);
  base._ajv.getSchema = (id) => {
    lookups.push(id);
    return getSchema(id);
  };
  const validator = tolerant(base);
  for (let i = 0; i < 100; i++) validator.validate('urn:SendLocalList.conf', { status: 'Accepted' });
  validator.validate('urn:Heartbeat.conf', { currentTime: '2026-12-06T14:00:00Z' });
  assert.deepEqual(lookups, ['urn:SendLocalList.conf', 'urn:Heartbeat.conf']);
});
