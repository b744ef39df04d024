// A roster pasted or loaded for enrollment becomes card labels the way a spreadsheet export means it:
// one name per line or the first column, quotes and separators of German and English Excel, no repeats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstField, parseRoster } from '../../renderer/cards/roster.ts';

test('one name per line, blank lines and surrounding spaces dropped', () => {
  assert.deepEqual(parseRoster('  Anna Schmidt \n\nBen Meyer\r\nCem Yilmaz\r\n').names, [
    'Anna Schmidt',
    'Ben Meyer',
    'Cem Yilmaz',
  ]);
});

test('the first column of a CSV, whichever separator (comma, semicolon, tab)', () => {
  assert.deepEqual(parseRoster('Anna,Sales,2026\nBen;Depot\nCem\tWorkshop').names, ['Anna', 'Ben', 'Cem']);
});

test('quoted first fields keep their separators and doubled quotes', () => {
  assert.equal(firstField('"Meyer, Ben";Depot'), 'Meyer, Ben');
  assert.equal(firstField('"Van ""Jumbo"" 3",x'), 'Van "Jumbo" 3');
  assert.equal(firstField('"unclosed, to the end'), 'unclosed, to the end');
});

test('a header line is skipped only when the user says so; a BOM never becomes part of a name', () => {
  const text = '\uFEFFName;Department\nAnna;Sales\n';
  assert.deepEqual(parseRoster(text).names, ['Name', 'Anna']);
  assert.deepEqual(parseRoster(text, { header: true }).names, ['Anna']);
});

test('a name that appears twice (in any case) is given out once and counted', () => {
  const roster = parseRoster('Anna Schmidt\nanna schmidt\nBen\nANNA SCHMIDT');
  assert.deepEqual(roster.names, ['Anna Schmidt', 'Ben']);
  assert.equal(roster.duplicates, 2);
});

test('names longer than a card label (60 characters) are named, not cut', () => {
  const long = 'X'.repeat(61);
  const roster = parseRoster(`Anna\n${long}\n${'Y'.repeat(60)}`);
  assert.deepEqual(roster.tooLong, [long]);
  assert.equal(roster.names.length, 3);
});
