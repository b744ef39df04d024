// The quick scan that lets a frame through unparsed must still see every credential word, in any case:
// each word below, in a frame with nothing else to mask, gets the frame masked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactRawFrame } from '../../main/log/redact.ts';

const secret = 'Hunter2-Secret-Value';
const texts = [
  `authorization: Bearer ${secret}`,
  `AUTHORIZATION=Basic ${secret}`,
  `AuthorizationKey=${secret}`,
  `password: ${secret}`,
  `PassWord=${secret}`,
  `passwd=${secret}`,
  `PASSWD: ${secret}`,
  `secret=${secret}`,
  `api_key=${secret}`,
  `Api-Key: ${secret}`,
  `apikey=${secret}`,
  `token=${secret}`,
  `ocpp_authkey=${secret}`,
  `OCPP_AUTHKEY: ${secret}`,
  `wss://box:${secret}@csms.example/ocpp`,
];

for (const text of texts) {
  test(`a frame with "${text.replace(secret, '…')}" in a value is masked`, () => {
    const out = redactRawFrame(JSON.stringify([2, 'm-1', 'DataTransfer', { vendorId: 'X', data: text }]));
    assert.doesNotMatch(out, new RegExp(secret));
    assert.match(out, /\*\*\*/);
  });
}

test('a card list whose only credential-like words are its field names goes through as it came', () => {
  const list = (n: number) =>
    JSON.stringify([
      2,
      'm-2',
      'SendLocalList',
      {
        versionNumber: 2,
        updateType: 'Full',
        localAuthorizationList: Array.from({ length: n }, (_, i) => ({
          idToken: { idToken: `04AA${i}`, type: 'ISO14443' },
          idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'FLEET', type: 'Central' } },
        })),
      },
    ]);
  const raw = list(50);
  assert.equal(redactRawFrame(raw), raw);
});
