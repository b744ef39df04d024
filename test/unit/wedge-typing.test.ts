// The rules that tell a keyboard-wedge reader from a person typing: a fast burst ending in Enter is a
// card, slow typing is not, a burst that stops half-way is dropped, and the two can follow each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type KeyStroke, WedgeTypingDetector, type WedgeVerdict } from '../../renderer/cards/wedge-typing.ts';

/** Types text one key every `gap` ms from `start`, then Enter after the same gap; returns every verdict. */
function type(
  detector: WedgeTypingDetector,
  text: string,
  start: number,
  gap: number,
  enter = true,
): WedgeVerdict[] {
  const keys = [...text, ...(enter ? ['Enter'] : [])];
  return keys.map((key, i) => detector.push({ key, at: start + i * gap }));
}

const cards = (verdicts: WedgeVerdict[]) => verdicts.flatMap((v) => (v.kind === 'card' ? [v.text] : []));

test('a fast burst ending in Enter is a card, with exactly the characters typed', () => {
  const detector = new WedgeTypingDetector();
  const verdicts = type(detector, '04A1B2C3', 1000, 8);
  assert.deepEqual(cards(verdicts), ['04A1B2C3']);
  assert.deepEqual(verdicts[0], { kind: 'char', fresh: true });
  assert.deepEqual(verdicts[1], { kind: 'char', fresh: false });
});

test('a decimal reader (10 digits) at the slowest allowed pace is still a card', () => {
  const detector = new WedgeTypingDetector();
  assert.deepEqual(cards(type(detector, '3283534084', 0, 50)), ['3283534084']);
});

test('a person typing slowly is not a card, and each slow key starts afresh', () => {
  const detector = new WedgeTypingDetector();
  const verdicts = type(detector, '04A1B2C3', 0, 120);
  assert.deepEqual(cards(verdicts), []);
  assert.ok(verdicts.slice(0, -1).every((v) => v.kind === 'char' && v.fresh));
  assert.deepEqual(verdicts.at(-1), { kind: 'none' });
});

test('fewer than 4 characters before Enter is not a card, however fast', () => {
  const detector = new WedgeTypingDetector();
  assert.deepEqual(cards(type(detector, 'abc', 0, 5)), []);
  assert.deepEqual(cards(type(detector, 'abcd', 100, 5)), ['abcd']);
});

test('a burst without Enter is dropped after a pause and not glued to the next one', () => {
  const detector = new WedgeTypingDetector();
  type(detector, '04A1B2', 0, 5, false);
  assert.equal(detector.pending(25), '04A1B2');
  assert.equal(detector.pending(400), '', 'the half burst is gone after a pause');
  // An Enter after the pause closes nothing.
  assert.deepEqual(detector.push({ key: 'Enter', at: 400 }), { kind: 'none' });
  // What follows a pause is a burst of its own, never glued to the dropped half.
  type(detector, '04A1', 1000, 5, false);
  assert.deepEqual(cards(type(detector, 'B2C', 2000, 5)), [], 'three characters alone are no card');
  type(detector, '04A1', 3000, 5, false);
  assert.deepEqual(cards(type(detector, 'B2C3', 4000, 5)), ['B2C3']);
});

test('a slow Enter after a fast burst is not a card (a person pasting or hurrying, then confirming)', () => {
  const detector = new WedgeTypingDetector();
  type(detector, '04A1B2C3', 0, 5, false);
  assert.deepEqual(detector.push({ key: 'Enter', at: 35 + 300 }), { kind: 'none' });
});

test('mixed: slow typing, then a burst, then slow typing again: only the burst is a card', () => {
  const detector = new WedgeTypingDetector();
  const before = type(detector, 'hello', 0, 150, false);
  const burst = type(detector, '04A1B2C3', 2000, 6);
  const after = type(detector, 'world', 5000, 140);
  assert.deepEqual(cards([...before, ...burst, ...after]), ['04A1B2C3']);
  // The burst starts fresh at its first key even though a person typed just before.
  assert.deepEqual(burst[0], { kind: 'char', fresh: true });
});

test('Shift between the keys of a burst (capital letters) does not break it', () => {
  const detector = new WedgeTypingDetector();
  const keys: KeyStroke[] = [];
  let at = 0;
  for (const c of 'DEADBEEF') {
    keys.push({ key: 'Shift', at });
    keys.push({ key: c, at: at + 4 });
    at += 8;
  }
  keys.push({ key: 'Enter', at: at + 4 });
  assert.deepEqual(cards(keys.map((k) => detector.push(k))), ['DEADBEEF']);
});

test('a key held down (auto-repeat), a shortcut or a non-character key ends a burst', () => {
  const detector = new WedgeTypingDetector();
  const held = ['a', 'a', 'a', 'a', 'a'].map((key, i) => detector.push({ key, at: i * 30, repeat: i > 0 }));
  held.push(detector.push({ key: 'Enter', at: 160 }));
  assert.deepEqual(cards(held), []);

  type(detector, '04A1', 1000, 5, false);
  detector.push({ key: 'z', at: 1025, modified: true });
  assert.deepEqual(cards(type(detector, 'B2C3', 1030, 5)), ['B2C3'], 'Ctrl+Z split the burst');

  type(detector, '04A1', 2000, 5, false);
  detector.push({ key: 'Tab', at: 2025 });
  assert.equal(detector.pending(2026), '');

  type(detector, '04 A1', 3000, 5, false);
  assert.equal(detector.pending(3030), 'A1', 'a space is no UID character: the burst starts after it');
});

test('a burst longer than any UID (a barcode scanner, a paste macro) is not a card', () => {
  const detector = new WedgeTypingDetector();
  assert.deepEqual(cards(type(detector, 'X'.repeat(41), 0, 3)), []);
  assert.deepEqual(cards(type(detector, 'X'.repeat(40), 500, 3)), ['X'.repeat(40)]);
});

test('reset forgets the burst in progress', () => {
  const detector = new WedgeTypingDetector();
  type(detector, '04A1B2C3', 0, 5, false);
  detector.reset();
  assert.deepEqual(detector.push({ key: 'Enter', at: 45 }), { kind: 'none' });
});
