// Learning a box's card format from one tap on the desktop reader and one Authorize from the box, and
// round trips over many random cards: whatever a box writes, the learned format writes the same.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUid, type Uid, uidFromBytes } from '../../main/rfid/uid.ts';
import { formatUid, type UidFormat, uidPresets } from '../../main/rfid/uid-format.ts';
import { candidateFormats, learnFormat, learnFromPairs } from '../../main/rfid/uid-learn.ts';

function card(hex: string): Uid {
  const result = parseUid(hex, { source: 'pcsc', readerId: 'desk', notation: 'hex' });
  if (!result.ok) assert.fail(result.code);
  return result.value;
}

function text(uid: Uid, format: UidFormat): string {
  const made = formatUid(uid, format);
  if (!made.ok) assert.fail(made.code);
  return made.value;
}

/** A small seeded generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomUid(next: () => number): Uid {
  const length = [4, 7, 10][Math.floor(next() * 3)] ?? 4;
  for (;;) {
    const bytes = Array.from({ length }, () => Math.floor(next() * 256));
    const made = uidFromBytes(bytes, 'pcsc', 'desk');
    if (made.ok) return made.value;
  }
}

test('a KEBA box sends the bytes reversed: learned as hex-lsb-upper', () => {
  const learned = learnFormat(card('04 A1 B2 C3'), 'C3B2A104');
  assert.equal(learned.ok, true);
  const best = learned.ok ? learned.matches[0] : undefined;
  assert.equal(best?.preset, 'hex-lsb-upper');
  assert.equal(best?.exactCase, true);
});

test('a box that sends lower case is learned as lower case, ranked before the upper-case form', () => {
  const learned = learnFormat(card('04 A1 B2 C3'), '04a1b2c3');
  assert.equal(learned.ok && learned.matches[0]?.preset, 'hex-msb-lower');
  assert.equal(learned.ok && learned.matches.some((m) => m.preset === 'hex-msb-upper' && !m.exactCase), true);
});

test('a UID without letters fits both cases; the simplest (upper) comes first', () => {
  const learned = learnFormat(card('01 23 45 67'), '01234567');
  assert.equal(learned.ok && learned.matches[0]?.preset, 'hex-msb-upper');
  assert.equal(learned.ok && learned.matches.some((m) => m.preset === 'hex-msb-lower'), true);
});

test("a box behind a wedge reader sends the wedge's 10 digits", () => {
  const learned = learnFormat(card('04 A1 B2 C3'), '3283263748');
  assert.equal(learned.ok && learned.matches[0]?.format.notation, 'decimal');
  assert.equal(learned.ok && learned.matches[0]?.format.byteOrder, 'lsb');
});

test('a box that sees only 4 of 7 bytes is learned, and the match says bytes are dropped', () => {
  const learned = learnFormat(card('04 A1 B2 C3 D4 E5 F6'), '3283263748');
  const best = learned.ok ? learned.matches[0] : undefined;
  assert.equal(best?.preset, 'decimal-lsb-10');
  assert.equal(best?.flags[0]?.code, 'UID_FORMAT_DROPS_BYTES');
});

test('a box that drops leading zeros is learned', () => {
  const learned = learnFormat(card('00 0A 1B 2C'), 'A1B2C');
  const best = learned.ok ? learned.matches[0] : undefined;
  assert.deepEqual(best && [best.format.notation, best.format.padding], ['hex', 'none']);
});

test('a fixed text around the UID is learned as prefix and suffix', () => {
  const learned = learnFormat(card('04 A1 B2 C3'), 'ID-C3B2A104');
  const best = learned.ok ? learned.matches[0] : undefined;
  assert.deepEqual(best && [best.format.prefix, best.format.byteOrder], ['ID-', 'lsb']);
});

test('no match gives a typed reason and the closest candidates', () => {
  const learned = learnFormat(card('04 A1 B2 C3'), '04A1B2C4');
  assert.equal(learned.ok, false);
  if (learned.ok) return;
  assert.equal(learned.code, 'UID_LEARN_NO_MATCH');
  assert.equal(learned.params.closest, '04A1B2C3');
  assert.equal(learned.closest[0]?.distance, 1);
  assert.ok(learned.closest.length <= 3);
  const empty = learnFormat(card('04 A1 B2 C3'), '  ');
  assert.equal(!empty.ok && empty.code, 'UID_LEARN_EMPTY_TAG');
});

test('a desktop reader that gave fewer bytes than the box is named as the cause', () => {
  const learned = learnFormat(card('04 A1 B2 C3'), '04A1B2C3D4E5F6');
  assert.equal(!learned.ok && learned.code, 'UID_LEARN_DESKTOP_PARTIAL');
});

test('several cards narrow the choice to the one format consistent with all', () => {
  const pairs = [
    { uid: card('01 23 45 67'), idTag: '67452301' },
    { uid: card('04 A1 B2 C3 D4 E5 F6'), idTag: 'f6e5d4c3b2a104' },
  ];
  const learned = learnFromPairs(pairs);
  assert.equal(learned.ok && learned.matches[0]?.preset, 'hex-lsb-lower');
  const conflicting = learnFromPairs([...pairs, { uid: card('11 22 33 44'), idTag: '11223344' }]);
  assert.deepEqual(!conflicting.ok && [conflicting.code, conflicting.params.index], [
    'UID_LEARN_INCONSISTENT',
    3,
  ]);
  const none = learnFromPairs([]);
  assert.equal(!none.ok && none.code, 'UID_LEARN_NO_PAIRS');
  const bad = learnFromPairs([
    pairs[0] ?? { uid: card('11223344'), idTag: '' },
    { uid: card('11223344'), idTag: 'zz' },
  ]);
  assert.deepEqual(!bad.ok && [bad.code, bad.params.index], ['UID_LEARN_NO_MATCH', 2]);
});

test('every preset is among the candidates', () => {
  const texts = new Set(candidateFormats().map((f) => JSON.stringify(f)));
  for (const preset of Object.values(uidPresets)) {
    const found = candidateFormats().some(
      (f) => text(card('04A1B2C3D4E5F6'), f) === text(card('04A1B2C3D4E5F6'), preset),
    );
    assert.ok(found, JSON.stringify(preset));
  }
  assert.ok(texts.size > 10);
});

test('round trip over many random cards: format, learn, and the learned format gives the same idTag', () => {
  const next = random(20240611);
  const formats = candidateFormats();
  for (let i = 0; i < 400; i++) {
    const uid = randomUid(next);
    const base = formats[Math.floor(next() * formats.length)] ?? uidPresets['hex-msb-upper'];
    const format: UidFormat = next() < 0.2 ? { ...base, prefix: 'T', suffix: '#' } : base;
    const idTag = text(uid, format);
    const learned = learnFormat(uid, idTag);
    assert.ok(learned.ok, `${idTag} from ${JSON.stringify(format)}`);
    if (!learned.ok) continue;
    const best = learned.matches[0];
    assert.ok(best);
    assert.equal(text(uid, best.format), idTag, JSON.stringify({ format, best: best.format }));
    for (const match of learned.matches)
      assert.equal(text(uid, match.format).toUpperCase(), idTag.toUpperCase());
  }
});

test('round trip over batches: the format learned from five cards reproduces every one of them', () => {
  const next = random(7);
  const formats = candidateFormats();
  for (let i = 0; i < 60; i++) {
    const format = formats[Math.floor(next() * formats.length)] ?? uidPresets['hex-msb-upper'];
    const cards = Array.from({ length: 5 }, () => randomUid(next));
    const learned = learnFromPairs(cards.map((uid) => ({ uid, idTag: text(uid, format) })));
    assert.ok(learned.ok, JSON.stringify(format));
    const best = learned.ok ? learned.matches[0] : undefined;
    assert.ok(best);
    for (const uid of cards) assert.equal(text(uid, best.format), text(uid, format));
  }
});
