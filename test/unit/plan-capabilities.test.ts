// The plan's capability checks on configurations as real firmwares report them: which boxes count as
// having the 1.6 security extension and a local list, and what the plan does about a list switched off.
// planFor is a pure function of a snapshot; the wire is covered in commission-capabilities.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasSecurityExtension16, loadUrlProfiles, planFor } from '../../main/commissioning/plan.ts';
import { type TemplateInput, templateSchema } from '../../main/commissioning/template-schema.ts';
import type { ConfigEntry } from '../../main/ocpp/types.ts';

function entries(values: Record<string, string>): ConfigEntry[] {
  return Object.entries(values).map(([key, value]) => ({ key, value, readonly: false }) as ConfigEntry);
}

const base16 = {
  CentralSystemURI: 'ws://127.0.0.1:9220/ocpp/WB',
  SupportedFeatureProfiles: 'Core,LocalAuthListManagement',
  LocalAuthListEnabled: 'true',
  SendLocalListMaxLength: '50',
  SecurityProfile: '0',
};

function plan(version: '1.6' | '2.0.1', config: Record<string, string>, input: Partial<TemplateInput>) {
  const template = templateSchema.parse({
    name: 'T',
    csms: { url: 'ws://csms.example/ocpp', securityProfile: 0 },
    ...input,
  });
  return planFor('WB', version, entries(config), template, loadUrlProfiles());
}

test('a 1.6 box counts as having the security extension by any of the whitepaper keys, not by AuthorizationKey', () => {
  assert.equal(hasSecurityExtension16(entries({ CertificateStoreMaxLength: '3' })), true);
  assert.equal(hasSecurityExtension16(entries({ CpoName: '' })), true);
  assert.equal(hasSecurityExtension16(entries({ SupportedFeatureProfiles: 'Core,Security' })), true);
  assert.equal(hasSecurityExtension16(entries({ AuthorizationKey: '', HeartbeatInterval: '60' })), false);
});

test('a list switched off on the box is switched on first when the template brings cards', () => {
  const p = plan(
    '1.6',
    { ...base16, LocalAuthListEnabled: 'false' },
    { groups: ['Staff'], heartbeatIntervalS: 60 },
  );
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.writes[0], { key: 'LocalAuthListEnabled', from: 'false', to: 'true', secret: false });
});

test('a template that switches the list off and brings cards contradicts itself', () => {
  const p = plan('1.6', base16, { groups: ['Staff'], localAuthorization: { listEnabled: false } });
  assert.deepEqual(
    p.problems.map((x) => x.code),
    ['LOCAL_LIST_SWITCHED_OFF'],
  );
});

test('1.6 without the required local list keys, 2.0.1 without the controller: blocked with the keys named', () => {
  const { SendLocalListMaxLength: _s, ...noLength } = base16;
  assert.deepEqual(plan('1.6', noLength, { groups: ['Staff'] }).problems, [
    { code: 'NO_LOCAL_LIST_KEYS', params: { groups: 1, keys: 'SendLocalListMaxLength' } },
  ]);
  const p201 = plan('2.0.1', { 'SecurityCtrlr.SecurityProfile': '0' }, { groups: ['Staff', 'Guests'] });
  assert.deepEqual(
    p201.problems.map((x) => [x.code, x.params.keys]),
    [['NO_LOCAL_LIST_KEYS', 'LocalAuthListCtrlr.Available, LocalAuthListCtrlr.Enabled']],
  );
  // Without cards in the template the list does not matter.
  assert.deepEqual(plan('2.0.1', { 'SecurityCtrlr.SecurityProfile': '0' }, {}).problems, []);
});
