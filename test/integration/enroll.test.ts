// Enrolling cards through the api as the super user works through a stack of them: each tap stored
// with its audit row, a card tapped twice enrolled once, labels counted on, bad UIDs explained.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callOk, callRaw, testCore } from '../support/core.ts';

test('a tap is stored at once with the next label of the pattern and an audit row', async (t) => {
  const core = testCore(t);
  const group = await callOk(core, 'groups.create', { name: 'Fleet' });
  const first = await callOk(core, 'cards.enroll', {
    uid: '04 a1 b2 c3',
    source: 'pcsc',
    groupId: group.id,
    label: 'Fleet-###',
  });
  const second = await callOk(core, 'cards.enroll', {
    uid: '04:D5:E6:F7:A1:B2:C3',
    source: 'pcsc',
    groupId: group.id,
    label: 'Fleet-###',
  });
  assert.deepEqual([first.card.label, second.card.label], ['Fleet-001', 'Fleet-002']);
  assert.equal(first.card.uidHex, '04A1B2C3');
  assert.equal(second.card.uidHex, '04D5E6F7A1B2C3');
  const audit = await callOk(core, 'audit.list', { entity: 'card' });
  assert.deepEqual(
    audit.map((a) => a.action),
    ['card.enroll', 'card.enroll'],
  );
});

test('a card tapped twice is enrolled once, and the existing card is returned', async (t) => {
  const core = testCore(t);
  const first = await callOk(core, 'cards.enroll', { uid: '04A1B2C3', label: 'Fleet-###' });
  const again = await callOk(core, 'cards.enroll', { uid: '04 A1 B2 C3', label: 'Fleet-###' });
  assert.equal(again.duplicate, true);
  assert.equal(again.card.id, first.card.id);
  assert.equal((await callOk(core, 'cards.list', {})).length, 1);
});

test("a keyboard-wedge reader's 10 digits are the 4 bytes in reverse order", async (t) => {
  const core = testCore(t);
  const { card } = await callOk(core, 'cards.enroll', { uid: '3283263748', source: 'hid' });
  assert.equal(card.uidHex, '04A1B2C3');
});

test('a random UID is refused with the reason, in the language of the user, and nothing is stored', async (t) => {
  const core = testCore(t);
  const reply = await callRaw(core, 'cards.enroll', { uid: '08 12 34 56' });
  assert.equal(reply.ok, false);
  if (reply.ok) return;
  assert.equal(reply.error.code, 'CARD_UID_INVALID');
  assert.match(reply.error.message, /new random number on every tap/);
  await callOk(core, 'settings.set', { language: 'de' });
  const german = await callRaw(core, 'cards.enroll', { uid: '04 A1 B2' });
  assert.ok(!german.ok && /3 Bytes|hat 3/.test(german.error.message), JSON.stringify(german));
  assert.deepEqual(await callOk(core, 'cards.list', {}), []);
});

test('undo removes the card and the audit log keeps what it was', async (t) => {
  const core = testCore(t);
  const { card } = await callOk(core, 'cards.enroll', { uid: '04A1B2C3', label: 'Guest-##' });
  await callOk(core, 'cards.delete', { id: card.id });
  assert.deepEqual(await callOk(core, 'cards.list', {}), []);
  const audit = await callOk(core, 'audit.list', { entity: 'card' });
  const removal = audit[0];
  assert.ok(removal);
  assert.equal(removal.action, 'card.delete');
  assert.equal((removal.before as { label: string }).label, 'Guest-01');
  const gone = await callRaw(core, 'cards.delete', { id: card.id });
  assert.equal(gone.ok ? 'ok' : gone.error.code, 'NOT_FOUND');
});
