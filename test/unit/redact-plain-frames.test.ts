// A card list the tool built of plain texts is kept in the trace as it was sent, unscanned: that must be
// what the full redaction gives for the same text, on random lists with credential-like texts mixed in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPlainText, plainPayloads, redactRawFrame } from '../../main/log/redact.ts';
import { localListPayload16 } from '../../main/ocpp/session16.ts';
import { localListPayload201 } from '../../main/ocpp/session201.ts';
import type { LocalListEntry } from '../../main/ocpp/types.ts';
import { seededRandom } from '../support/seeded-random.ts';

/** Pieces a card's texts are made of: UIDs, names and dates, and what a credential or a pattern needs. */
const pieces = [
  '04A1B2C3',
  'DEADBEEF',
  'FLEET',
  'Staff',
  '2027-01-31T23:00:00Z',
  'ISO14443',
  'eMAID',
  '-',
  '_',
  ' ',
  ':',
  '.',
  'password=hunter2',
  'passwd',
  'Password',
  'token',
  'TOKEN:',
  'secret',
  'api_key',
  'apikey=1',
  'AuthorizationKey',
  'authorization: Basic Zm9v',
  'auth',
  'wss://u:p@h',
  '://',
  '@',
  '/',
  '=',
  '"',
  '\\',
  '\\u0070assword',
  '-----BEGIN PRIVATE KEY-----',
  'PRIVATE KEY',
  'é',
  '\u0001',
];

test('an own card list kept unscanned is exactly what the full redaction keeps, on 3,000 random lists', () => {
  const next = seededRandom(20261207);
  const pick = () => pieces[Math.floor(next() * pieces.length)] as string;
  // Mostly plain texts (so half the lists are plain), now and then a piece from the whole set.
  const text = () =>
    Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
      next() < 0.97 ? (pieces[Math.floor(next() * 7)] as string) : pick(),
    ).join('');
  let plain = 0;
  for (let i = 0; i < 3000; i++) {
    const entries: LocalListEntry[] = Array.from({ length: 1 + Math.floor(next() * 6) }, () => ({
      idTag: text().slice(0, 20),
      status: next() < 0.9 ? 'Accepted' : 'Blocked',
      ...(next() < 0.6 ? { group: text() } : {}),
      ...(next() < 0.3 ? { expiryDate: text() } : {}),
      ...(next() < 0.3 ? { tokenType: text() } : {}),
    }));
    const removals = next() < 0.3 ? [{ idTag: text().slice(0, 20) }] : [];
    const build = next() < 0.5 ? localListPayload16 : localListPayload201;
    const payload = build(1 + i, next() < 0.5 ? 'Full' : 'Differential', entries, removals) as object;
    const sent = [2, `${i.toString(16)}-4c2a-9d1e`, 'SendLocalList', payload];
    const raw = JSON.stringify(sent);
    const kept = redactRawFrame(raw, sent);
    assert.equal(kept, redactRawFrame(raw), raw);
    if (plainPayloads.has(payload)) {
      plain++;
      assert.equal(kept, raw);
    }
  }
  assert.ok(plain > 500 && plain < 2500, `${plain} plain lists: both kinds are tried`);
});

test('credential-like cards are masked in the kept frame; a frame the tool did not build is scanned', () => {
  for (const build of [localListPayload16, localListPayload201]) {
    const entries: LocalListEntry[] = [
      { idTag: '04A1B2C3D4E5F6', status: 'Accepted', group: 'password=hunter2' },
      { idTag: 'token=s3cr3t', status: 'Accepted' },
    ];
    const sent = [2, 'm-1', 'SendLocalList', build(3, 'Full', entries, [])];
    const kept = redactRawFrame(JSON.stringify(sent), sent);
    assert.doesNotMatch(kept, /hunter2|s3cr3t/);
    assert.match(kept, /password=\*\*\*/);
  }
  // A call array of the tool's, but not a list it built: scanned and masked by name.
  const change = [
    2,
    'm-2',
    'ChangeConfiguration',
    { key: 'AuthorizationKey', value: '00112233445566778899' },
  ];
  assert.equal(
    redactRawFrame(JSON.stringify(change), change),
    '[2,"m-2","ChangeConfiguration",{"key":"AuthorizationKey","value":"***"}]',
  );
  // A plain list inside a call whose message id is not plain text is scanned like any frame.
  const list = localListPayload16(4, 'Full', [{ idTag: '04A1B2C3D4E5F6', status: 'Accepted' }], []);
  const odd = [2, 'password=hunter2', 'SendLocalList', list];
  assert.doesNotMatch(redactRawFrame(JSON.stringify(odd), odd), /hunter2/);
});

test('plain text: printable ASCII without quote, backslash, slash, @ or =, and no credential word', () => {
  for (const text of [
    '04A1B2C3D4E5F6',
    'FLEET',
    'Accepted',
    '2027-01-31T23:00:00.000Z',
    'DE-ABC-C12345678-X',
    '',
  ])
    assert.equal(isPlainText(text), true, text);
  for (const text of [
    'password',
    'PassWd',
    'Token',
    'mysecret',
    'API-key',
    'authkey',
    'Authorization',
    'a/b',
    'a@b',
    'a=b',
    'a"b',
    'a\\b',
    'tab\there',
    'ÄRGER',
    'private key',
  ])
    assert.equal(isPlainText(text), false, text);
});
