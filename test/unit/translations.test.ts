// English and German must say the same things: every key in both, the same placeholders, and a
// message and a remedy for every error code, so no technician ever sees a raw key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogs, errorText, languageFromLocale, translate } from '../../locales/translate.ts';
import { errorCodes } from '../../main/api/errors.ts';
import { auditActions } from '../../main/store/audit-actions.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('German has every English key and no extra ones', () => {
  assert.deepEqual(Object.keys(catalogs.de).sort(), Object.keys(catalogs.en).sort());
});

test('each translation keeps the placeholders of the English text', () => {
  for (const [key, english] of Object.entries(catalogs.en)) {
    assert.deepEqual(placeholders(catalogs.de[key] ?? ''), placeholders(english), key);
  }
});

test('every error code has a message and a remedy in both languages', () => {
  for (const code of errorCodes) {
    for (const language of ['en', 'de'] as const) {
      assert.ok(catalogs[language][`error.${code}.message`], `${language} error.${code}.message`);
      assert.ok(catalogs[language][`error.${code}.remedy`], `${language} error.${code}.remedy`);
    }
  }
});

test('a German locale picks German, anything unknown picks English', () => {
  assert.equal(languageFromLocale('de_DE.UTF-8'), 'de');
  assert.equal(languageFromLocale('de-AT'), 'de');
  assert.equal(languageFromLocale('fr_FR'), 'en');
  assert.equal(languageFromLocale(undefined), 'en');
});

test("an error message names the thing in the reader's language", () => {
  const text = errorText('de', 'NOT_FOUND', { entity: 'site', id: 7 });
  assert.equal(text.message, 'Standort 7 gibt es nicht (mehr).');
  assert.equal(
    errorText('en', 'NOT_FOUND', { entity: 'site', id: 7 }).message,
    'The site 7 does not exist (any more).',
  );
});

test('a missing value leaves its placeholder visible instead of printing "undefined"', () => {
  assert.equal(translate('en', 'cli.sites.added', { id: 3 }), 'Site 3 added: {name}');
});

/** Words German shares with English (names, units, loanwords a German technician writes the same). */
const sharedWords = new Set(
  `Wallbox Commissioner Diagnose SteVe CitrineOS MaEVe Name English Deutsch Version Port OCPP Firmware
   offline Box Filter Plan Status UID hex OK Esc Export ok`.split(/\s+/),
);

test('no English left standing in the German catalog (only names and words German shares)', () => {
  const fallbacks: string[] = [];
  for (const [key, english] of Object.entries(catalogs.en)) {
    if (catalogs.de[key] !== english) continue;
    const words = english.replace(/\{\w+\}/g, ' ').match(/\p{L}{2,}/gu) ?? [];
    const foreign = words.filter((w) => !sharedWords.has(w));
    if (foreign.length > 0) fallbacks.push(`${key}: ${foreign.join(' ')}`);
  }
  assert.deepEqual(fallbacks, []);
});

test('every kind of change in the audit log has a readable name in both languages', () => {
  for (const action of auditActions) {
    for (const language of ['en', 'de'] as const) {
      assert.ok(catalogs[language][`audit.action.${action}`], `${language} audit.action.${action}`);
    }
  }
});
