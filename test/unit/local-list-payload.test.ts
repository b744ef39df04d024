// The SendLocalList frames the tool builds, exactly as they go on the wire (field order included), for
// 1.6 and 2.0.1, Full and Differential, with and without group, expiry and token type, with removals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plainPayloads } from '../../main/log/redact.ts';
import { chunkForLimits } from '../../main/ocpp/local-list-push.ts';
import { localListPayload16 } from '../../main/ocpp/session16.ts';
import { localListPayload201 } from '../../main/ocpp/session201.ts';
import type { LocalListEntry } from '../../main/ocpp/types.ts';

const cards: LocalListEntry[] = [
  { idTag: '04A1B2C3D4E5F6', status: 'Accepted' },
  { idTag: '04A1B2C3D4E5F7', status: 'Blocked', group: 'FLEET' },
  { idTag: '04A1B2C3D4E5F8', status: 'Accepted', group: 'FLEET', expiryDate: '2027-01-31T23:00:00.000Z' },
  { idTag: 'A1B2C3D4', status: 'Expired', expiryDate: '2026-06-30T00:00:00Z', tokenType: 'eMAID' },
];
const removals = [{ idTag: '04DEAD00BEEF01' }, { idTag: 'DE-ABC-C12345678-X', tokenType: 'eMAID' }];

test('1.6 frames: idTagInfo with parentIdTag and expiryDate where a card has them, removals bare', () => {
  assert.equal(
    JSON.stringify(localListPayload16(7, 'Full', cards, [])),
    '{"listVersion":7,"updateType":"Full","localAuthorizationList":[' +
      '{"idTag":"04A1B2C3D4E5F6","idTagInfo":{"status":"Accepted"}},' +
      '{"idTag":"04A1B2C3D4E5F7","idTagInfo":{"status":"Blocked","parentIdTag":"FLEET"}},' +
      '{"idTag":"04A1B2C3D4E5F8","idTagInfo":{"status":"Accepted","parentIdTag":"FLEET","expiryDate":"2027-01-31T23:00:00.000Z"}},' +
      '{"idTag":"A1B2C3D4","idTagInfo":{"status":"Expired","expiryDate":"2026-06-30T00:00:00Z"}}]}',
  );
  assert.equal(
    JSON.stringify(localListPayload16(8, 'Differential', cards.slice(1, 2), removals)),
    '{"listVersion":8,"updateType":"Differential","localAuthorizationList":[' +
      '{"idTag":"04A1B2C3D4E5F7","idTagInfo":{"status":"Blocked","parentIdTag":"FLEET"}},' +
      '{"idTag":"04DEAD00BEEF01"},{"idTag":"DE-ABC-C12345678-X"}]}',
  );
  assert.equal(
    JSON.stringify(localListPayload16(1, 'Full', [], [])),
    '{"listVersion":1,"updateType":"Full"}',
  );
  assert.throws(
    () => localListPayload16(2, 'Differential', [], [{ idTag: '0123456789ABCDEF01234' }]),
    (e: unknown) => (e as { code?: string }).code === 'VALIDATION_FAILED',
  );
});

test('2.0.1 frames: idToken objects (ISO14443 unless a card names its type), a Central group, the expiry', () => {
  assert.equal(
    JSON.stringify(localListPayload201(7, 'Full', cards, [])),
    '{"versionNumber":7,"updateType":"Full","localAuthorizationList":[' +
      '{"idToken":{"idToken":"04A1B2C3D4E5F6","type":"ISO14443"},"idTokenInfo":{"status":"Accepted"}},' +
      '{"idToken":{"idToken":"04A1B2C3D4E5F7","type":"ISO14443"},"idTokenInfo":{"status":"Blocked","groupIdToken":{"idToken":"FLEET","type":"Central"}}},' +
      '{"idToken":{"idToken":"04A1B2C3D4E5F8","type":"ISO14443"},"idTokenInfo":{"status":"Accepted","groupIdToken":{"idToken":"FLEET","type":"Central"},"cacheExpiryDateTime":"2027-01-31T23:00:00.000Z"}},' +
      '{"idToken":{"idToken":"A1B2C3D4","type":"eMAID"},"idTokenInfo":{"status":"Expired","cacheExpiryDateTime":"2026-06-30T00:00:00Z"}}]}',
  );
  assert.equal(
    JSON.stringify(localListPayload201(8, 'Differential', cards.slice(1, 2), removals)),
    '{"versionNumber":8,"updateType":"Differential","localAuthorizationList":[' +
      '{"idToken":{"idToken":"04A1B2C3D4E5F7","type":"ISO14443"},"idTokenInfo":{"status":"Blocked","groupIdToken":{"idToken":"FLEET","type":"Central"}}},' +
      '{"idToken":{"idToken":"04DEAD00BEEF01","type":"ISO14443"}},{"idToken":{"idToken":"DE-ABC-C12345678-X","type":"eMAID"}}]}',
  );
  assert.equal(
    JSON.stringify(localListPayload201(1, 'Full', [], [])),
    '{"versionNumber":1,"updateType":"Full"}',
  );
});

test('alike neighbours and a change between them: each card keeps its own status, group and expiry', () => {
  const run: LocalListEntry[] = [
    { idTag: '01', status: 'Accepted', group: 'FLEET' },
    { idTag: '02', status: 'Accepted', group: 'FLEET' },
    { idTag: '03', status: 'Accepted' },
    { idTag: '04', status: 'Accepted', group: 'FLEET' },
    { idTag: '05', status: 'Blocked', group: 'FLEET' },
    { idTag: '06', status: 'Blocked', group: 'STAFF' },
    { idTag: '07', status: 'Blocked', group: 'STAFF', expiryDate: '2027-01-01T00:00:00Z' },
  ];
  assert.equal(
    JSON.stringify(localListPayload16(2, 'Differential', run, [])),
    '{"listVersion":2,"updateType":"Differential","localAuthorizationList":[' +
      '{"idTag":"01","idTagInfo":{"status":"Accepted","parentIdTag":"FLEET"}},' +
      '{"idTag":"02","idTagInfo":{"status":"Accepted","parentIdTag":"FLEET"}},' +
      '{"idTag":"03","idTagInfo":{"status":"Accepted"}},' +
      '{"idTag":"04","idTagInfo":{"status":"Accepted","parentIdTag":"FLEET"}},' +
      '{"idTag":"05","idTagInfo":{"status":"Blocked","parentIdTag":"FLEET"}},' +
      '{"idTag":"06","idTagInfo":{"status":"Blocked","parentIdTag":"STAFF"}},' +
      '{"idTag":"07","idTagInfo":{"status":"Blocked","parentIdTag":"STAFF","expiryDate":"2027-01-01T00:00:00Z"}}]}',
  );
  const info201 = (status: string, group?: string, expiry?: string) =>
    JSON.stringify({
      status,
      ...(group ? { groupIdToken: { idToken: group, type: 'Central' } } : {}),
      ...(expiry ? { cacheExpiryDateTime: expiry } : {}),
    });
  assert.equal(
    JSON.stringify(localListPayload201(2, 'Differential', run, [])),
    '{"versionNumber":2,"updateType":"Differential","localAuthorizationList":[' +
      [
        ['01', info201('Accepted', 'FLEET')],
        ['02', info201('Accepted', 'FLEET')],
        ['03', info201('Accepted')],
        ['04', info201('Accepted', 'FLEET')],
        ['05', info201('Blocked', 'FLEET')],
        ['06', info201('Blocked', 'STAFF')],
        ['07', info201('Blocked', 'STAFF', '2027-01-01T00:00:00Z')],
      ]
        .map(([id, info]) => `{"idToken":{"idToken":"${id}","type":"ISO14443"},"idTokenInfo":${info}}`)
        .join(',') +
      ']}',
  );
});

test('a list is marked as holding no secret only when every text in it is plain', () => {
  for (const build of [localListPayload16, localListPayload201]) {
    assert.equal(plainPayloads.has(build(7, 'Full', cards, removals) as object), true);
    for (const odd of [
      { idTag: 'password=hunter2', status: 'Accepted' as const },
      { idTag: '04A1B2C3D4E5F6', status: 'Accepted' as const, group: 'token:abc' },
      { idTag: '04A1B2C3D4E5F6', status: 'Accepted' as const, group: 'Secret' },
      { idTag: '04A1B2C3D4E5F6', status: 'Accepted' as const, expiryDate: 'a://b@c' },
      { idTag: '04A1B2C3D4E5F6', status: 'Accepted' as const, group: 'FLÉET' },
    ]) {
      assert.equal(plainPayloads.has(build(7, 'Full', [...cards, odd], []) as object), false, odd.idTag);
    }
    assert.equal(plainPayloads.has(build(8, 'Differential', [], [{ idTag: 'Api-Key' }]) as object), false);
  }
  assert.equal(
    plainPayloads.has(
      localListPayload201(8, 'Differential', [], [{ idTag: 'A1', tokenType: 'x/y' }]) as object,
    ),
    false,
  );
});

test('parts by item count alone: full parts, the rest last, an odd limit rounded up, never a lost card', () => {
  const items = Array.from({ length: 10 }, (_, i) => i);
  const sizes = (max: number, list = items) =>
    chunkForLimits(list, { maxItemsPerMessage: max, maxBytesPerMessage: null }, () => 1, 0).map(
      (c) => c.length,
    );
  assert.deepEqual(sizes(4), [4, 4, 2]);
  assert.deepEqual(sizes(10), [10]);
  assert.deepEqual(sizes(250), [10]);
  assert.deepEqual(sizes(2.5), [3, 3, 3, 1]);
  assert.deepEqual(sizes(0), [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(sizes(Number.NaN), [10]);
  assert.deepEqual(sizes(4, []), [0]);
  assert.deepEqual(
    chunkForLimits(items, { maxItemsPerMessage: 4, maxBytesPerMessage: null }, () => 1, 0).flat(),
    items,
  );
});
