// The swap planner on its own (a pure function of two configurations; the wire is covered by
// test/integration/box-swap.test.ts): URL keys of another firmware family, secrets, a box that cannot take an identity.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadUrlProfiles } from '../../main/commissioning/plan.ts';
import { planSwap, type SwapSource } from '../../main/commissioning/swap-plan.ts';
import type { ConfigEntry } from '../../main/ocpp/types.ts';

const entry = (key: string, value: string | null, readonly = false): ConfigEntry => ({
  key,
  value,
  readonly,
});

function source(entries: ConfigEntry[], extra: Partial<SwapSource> = {}): SwapSource {
  return {
    identity: 'WB-OLD',
    ocppVersion: '1.6',
    entries,
    snapshotId: 1,
    takenAt: '2026-01-01T00:00:00Z',
    runId: null,
    networkProfile: null,
    passwordSecretId: 7,
    localList: null,
    ...extra,
  };
}

test('a URL moves into the replacement own URL key, with the identity appended where that firmware wants it', () => {
  const old = source([
    entry('Cst_BackendUrl', 'wss://csms.example/ocpp'),
    entry('Cst_ChargeBoxId', 'WB-OLD'),
    entry('SecurityProfile', '1'),
    entry('AuthorizationKey', null),
  ]);
  // A firmware whose URL key holds the whole address (the identity is not appended by the box).
  const profiles = [
    ...loadUrlProfiles(),
    { id: 'full', label: 'full', urlKey: 'FullUrl', identityKey: null, appendsIdentity: false },
  ];
  const plan = planSwap(
    old,
    'FACTORY-1',
    '1.6',
    [
      entry('FullUrl', 'ws://factory/ocpp/FACTORY-1'),
      entry('SecurityProfile', '0'),
      entry('AuthorizationKey', null),
    ],
    profiles,
  );
  assert.deepEqual(plan.problems, []);
  assert.equal(plan.writes.find((w) => w.key === 'FullUrl')?.to, 'wss://csms.example/ocpp/WB-OLD');
  assert.equal(plan.swap?.identityKey, null, 'the identity goes with the URL');
});

test('a secret a box reveals is named as not moved, never shown; write-only values are named too', () => {
  const config = [
    entry('Cst_BackendUrl', 'ws://x/ocpp'),
    entry('Cst_ChargeBoxId', 'WB-OLD'),
    entry('AuthorizationKey', null),
  ];
  const plan = planSwap(
    source([
      ...config,
      entry('WifiPassword', 'hunter2-secret'),
      { key: 'VendorToken', value: null, readonly: false, writeOnly: true },
    ]),
    'FACTORY-2',
    '1.6',
    [
      ...config.map((e) => (e.key === 'Cst_ChargeBoxId' ? entry(e.key, 'FACTORY-2') : e)),
      entry('WifiPassword', ''),
    ],
    loadUrlProfiles(),
  );
  assert.deepEqual(plan.swap?.notRead, ['WifiPassword', 'VendorToken']);
  assert.doesNotMatch(JSON.stringify(plan), /hunter2/);
});

test('a replacement that appends its own identity and has no key for it cannot take the old one', () => {
  const plan = planSwap(
    source([entry('ConnectionUrl', 'ws://csms/ocpp')], { passwordSecretId: null }),
    'FACTORY-3',
    '1.6',
    [entry('ConnectionUrl', 'ws://factory/ocpp')],
    loadUrlProfiles(),
  );
  assert.equal(plan.problems[0]?.code, 'SWAP_NO_IDENTITY_KEY');
});

test('a 1.6 URL that holds the identity becomes a 2.0.1 network profile without it (the 2.0.1 box appends it)', () => {
  const profiles = [
    ...loadUrlProfiles(),
    { id: 'full', label: 'full', urlKey: 'FullUrl', identityKey: null, appendsIdentity: false },
  ];
  const plan = planSwap(
    source([entry('FullUrl', 'wss://csms.example/ocpp/WB-OLD'), entry('SecurityProfile', '2')], {
      caCertificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
    }),
    'FACTORY-4',
    '2.0.1',
    [entry('SecurityCtrlr.Identity', 'FACTORY-4'), entry('SecurityCtrlr.BasicAuthPassword', null)],
    profiles,
  );
  assert.deepEqual(plan.problems, []);
  assert.deepEqual(plan.networkProfile, { slot: 1, url: 'wss://csms.example/ocpp', securityProfile: 2 });
  assert.deepEqual(plan.certificate, { type: 'CSMSRootCertificate' });
  assert.equal(plan.swap?.password, 'moved');
});

test('only an identity no 2.0.1 box can carry keeps a 1.6 box from a 2.0.1 replacement (SWAP_OTHER_VERSION, said why)', () => {
  const plan = planSwap(
    source([entry('Cst_BackendUrl', 'ws://csms/ocpp')], { identity: 'WB:OLD' }),
    'FACTORY-5',
    '2.0.1',
    [entry('SecurityCtrlr.Identity', 'FACTORY-5')],
    loadUrlProfiles(),
  );
  assert.deepEqual(plan.problems, [
    { code: 'SWAP_OTHER_VERSION', params: { from: '1.6', to: '2.0.1', identity: 'WB:OLD' } },
  ]);
  assert.deepEqual(plan.writes, []);
});

test('profile 3: the client certificate cannot move (its key stays in the broken box), said as a problem; a CSMS of a factory-trusted CA is a note', () => {
  const config = [
    entry('Cst_BackendUrl', 'ws://factory/ocpp'),
    entry('Cst_ChargeBoxId', 'FACTORY-1'),
    entry('SecurityProfile', '0'),
    entry('AuthorizationKey', null),
  ];
  const at = (profile: string, caCertificate: string | null) =>
    planSwap(
      source(
        [
          entry('Cst_BackendUrl', 'wss://csms.example/ocpp'),
          entry('Cst_ChargeBoxId', 'WB-OLD'),
          entry('SecurityProfile', profile),
        ],
        { caCertificate },
      ),
      'FACTORY-1',
      '1.6',
      config,
      loadUrlProfiles(),
    );
  const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
  const three = at('3', pem);
  assert.deepEqual(
    three.problems.map((p) => p.code),
    ['SWAP_CLIENT_CERTIFICATE'],
  );
  assert.deepEqual(three.certificate, { type: 'CentralSystemRootCertificate' });
  const factory = at('2', null);
  assert.deepEqual(factory.problems, []);
  assert.equal(factory.certificate, null);
  assert.deepEqual(factory.notes, [
    { code: 'SWAP_CERTIFICATE_FACTORY', params: { identity: 'WB-OLD', profile: 2 } },
  ]);
});
