// The quick secret scan (anchor words first) must give the full one-pass scan's answer for every text:
// seeded random texts built from harmless names, credential words in any case, near misses and quotes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secretScans } from '../../main/log/redact.ts';
import { seededRandom } from '../support/seeded-random.ts';

const pieces = [
  '"localAuthorizationList"',
  '"idToken"',
  '"idTokenInfo"',
  '"groupIdToken"',
  '"idTagInfo"',
  '"IdToken"',
  '"LOCALAUTHORIZATIONLIST"',
  'idToken"',
  '"idTok',
  'en"',
  'Authorization',
  'authkey',
  'AuthKey',
  'authentic',
  'password',
  'PASSWD',
  'passwort',
  'secret',
  'api_key',
  'Api-Key',
  'apikey',
  'capital',
  'token',
  'Tokens',
  'wss://u:p@h',
  'http://host/',
  '://',
  'PRIVATE KEY',
  'private  key',
  '"',
  ':',
  ',',
  '{',
  '}',
  '04A1B2C3',
  'Accepted',
  ' ',
];

test('the quick scan and the full scan agree on 20,000 texts of names, words and near misses', () => {
  const next = seededRandom(20261206);
  for (let i = 0; i < 20_000; i++) {
    const parts = Array.from(
      { length: 1 + Math.floor(next() * 12) },
      () => pieces[Math.floor(next() * pieces.length)],
    );
    const text = parts.join('');
    assert.equal(secretScans.quick(text), secretScans.full(text), text);
  }
});

/** A 300-card SendLocalList frame; versionField says which OCPP version's payload it is. */
const cardList = (versionField: string, entry: (i: number) => unknown) =>
  JSON.stringify([
    2,
    'm-1',
    'SendLocalList',
    {
      [versionField]: 1,
      updateType: 'Full',
      localAuthorizationList: Array.from({ length: 300 }, (_, i) => entry(i)),
    },
  ]);

test('the quick scan and the full scan agree on card lists of both versions', () => {
  const list16 = cardList('listVersion', (i) => ({
    idTag: `04A1${i}`,
    idTagInfo: { status: 'Accepted', parentIdTag: i === 200 ? 'password=x' : 'FLEET' },
  }));
  const list201 = cardList('versionNumber', (i) => ({
    idToken: { idToken: `04A1${i}`, type: 'ISO14443' },
    idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'FLEET', type: 'Central' } },
  }));
  for (const text of [list16, list201, list16.replace('password=x', 'FLEET')]) {
    assert.equal(secretScans.quick(text), secretScans.full(text));
  }
  assert.equal(secretScans.quick(list16), true);
  assert.equal(secretScans.quick(list201), false);
});
