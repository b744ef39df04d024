// What must never leave the tool unmasked, in every shape it travels in: URLs with passwords, auth
// headers, 1.6 AuthorizationKey, 2.0.1 BasicAuthPassword, OpenEVSE ocpp_authkey, private keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redact, redactRawFrame, redactValue } from '../../main/log/redact.ts';

const cases: Array<[string, string]> = [
  [
    '1.6 ChangeConfiguration',
    '[2,"1","ChangeConfiguration",{"key":"AuthorizationKey","value":"0011223344556677889900AABBCCDDEEFF001122"}]',
  ],
  [
    '2.0.1 SetVariables',
    '[2,"2","SetVariables",{"setVariableData":[{"attributeValue":"Sup3r-Secret_Pass","component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"}}]}]',
  ],
  [
    '2.0.1 report',
    '[2,"3","NotifyReport",{"reportData":[{"component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"},"variableAttribute":[{"value":"Sup3r-Secret_Pass"}]}]}]',
  ],
  [
    'URL with password',
    '[2,"4","ChangeConfiguration",{"key":"Cst_BackendUrl","value":"wss://box1:Sup3r-Secret_Pass@csms.example/ocpp"}]',
  ],
  ['OpenEVSE config', '{"ocpp_enabled":true,"ocpp_authkey":"Sup3r-Secret_Pass"}'],
  [
    'private key',
    '{"key":"-----BEGIN PRIVATE KEY-----\\nMIIEvAIBADANBg Sup3r-Secret_Pass\\n-----END PRIVATE KEY-----"}',
  ],
];

for (const [name, raw] of cases) {
  test(`masked: ${name}`, () => {
    const out = redactRawFrame(raw);
    assert.doesNotMatch(out, /Sup3r-Secret_Pass|0011223344556677889900AABBCCDDEEFF001122/);
    assert.match(out, /\*\*\*/);
  });
}

test('an auth header in a log line is masked', () => {
  assert.equal(redact('authorization: Basic V0ItMTpzZWNyZXQ='), 'authorization: Basic ***');
  assert.equal(redact('Authorization=Token abc123def'), 'Authorization=Token ***');
});

test('frames without credentials come back unchanged, byte for byte', () => {
  const list = JSON.stringify([
    2,
    'x',
    'SendLocalList',
    {
      listVersion: 3,
      updateType: 'Full',
      localAuthorizationList: [
        { idTag: '04A1B2C3', idTagInfo: { status: 'Accepted', parentIdTag: 'FLEET' } },
      ],
    },
  ]);
  assert.equal(redactRawFrame(list), list);
  const boot = '[2,"b","BootNotification",{"chargePointVendor":"ACME","chargePointModel":"Wall 11"}]';
  assert.equal(redactRawFrame(boot), boot);
});

test('a structured audit record is masked by key, not only by pattern', () => {
  const value = redactValue({
    before: { key: 'AuthorizationKey', value: 'plainvalue' },
    after: { password: 'x1' },
  });
  assert.deepEqual(value, { before: { key: 'AuthorizationKey', value: '***' }, after: { password: '***' } });
});

test('a log whose folder was removed does not throw at the code that logs', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { createLogger } = await import('../../main/log/logger.ts');
  const dir = mkdtempSync(join(tmpdir(), 'wbc-log-'));
  const logger = createLogger({ file: join(dir, 'logs', 'core.log') });
  rmSync(dir, { recursive: true, force: true });
  assert.doesNotThrow(() => logger.log('error', 'a socket fault after the data folder went away'));
});

test('a card list frame passes as it is, yet a credential beside or inside one is still masked', () => {
  const list = JSON.stringify([
    2,
    'm1',
    'SendLocalList',
    {
      listVersion: 2,
      updateType: 'Full',
      localAuthorizationList: [
        { idTag: '04A1B2C3D4', idTagInfo: { status: 'Accepted', parentIdTag: 'FLEET' } },
      ],
    },
  ]);
  assert.equal(redactRawFrame(list), list);
  const tokens = JSON.stringify([
    2,
    'm2',
    'SendLocalList',
    {
      versionNumber: 1,
      updateType: 'Full',
      localAuthorizationList: [
        {
          idToken: { idToken: 'AB12', type: 'ISO14443' },
          idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'G', type: 'Central' } },
        },
      ],
    },
  ]);
  assert.equal(redactRawFrame(tokens), tokens);
  const beside = JSON.stringify([
    2,
    'm3',
    'DataTransfer',
    { localAuthorizationList: [], data: 'password=hunter2' },
  ]);
  assert.doesNotMatch(redactRawFrame(beside), /hunter2/);
  const keyed = JSON.stringify([
    2,
    'm4',
    'X',
    { idTagInfo: {}, key: 'AuthorizationKey', value: 'topsecret' },
  ]);
  assert.doesNotMatch(redactRawFrame(keyed), /topsecret/);
});

test('a card list that also carries a credential, or a name in another spelling, is still masked', () => {
  const cards = Array.from({ length: 250 }, (_, i) => ({
    idTag: `04${i.toString(16).padStart(6, '0')}`,
    idTagInfo: { status: 'Accepted' },
  }));
  const frames = [
    [
      2,
      'a',
      'SendLocalList',
      { listVersion: 1, localAuthorizationList: cards, password: 'Sup3r-Secret_Pass' },
    ],
    [2, 'b', 'X', { LOCALAUTHORIZATIONLIST: 'wss://box1:Sup3r-Secret_Pass@csms.example/ocpp' }],
    [2, 'c', 'X', { idToken: { idToken: 'x' }, note: 'authorization: Bearer Sup3r-Secret_Pass' }],
    [2, 'd', 'X', { localAuthorizationList: cards, key: 'AuthorizationKey', value: 'Sup3r-Secret_Pass' }],
  ].map((f) => JSON.stringify(f));
  for (const raw of frames) {
    const out = redactRawFrame(raw);
    assert.doesNotMatch(out, /Sup3r-Secret_Pass/, raw.slice(0, 80));
    assert.match(out, /\*\*\*/);
  }
});

test('a name spelled with JSON escapes (\\u0070assword) is masked like the plain name', () => {
  // A box's JSON library may escape any character; the quick scan of the raw text cannot see the name.
  const escaped =
    '[2,"7","ChangeConfiguration",{"key":"\\u0041uthorizationKey","value":"00112233445566778899"}]';
  assert.doesNotMatch(redactRawFrame(escaped), /00112233445566778899/);
  const field = '[2,"8","SetVariables",{"\\u0070assword":"hunter2-escaped"}]';
  assert.doesNotMatch(redactRawFrame(field), /hunter2-escaped/);
});
