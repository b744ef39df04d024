// `wbc cards import` of a 50,000-row card list killed (SIGKILL) while it writes, and cancelled (Ctrl+C)
// while it checks or writes: the list is in the store whole or not at all, every card and group with its
// audit row, and importing the file again afterwards writes each good row exactly once.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { type Core, openCore } from '../../main/core.ts';
import { wbc, wbcRunning } from '../support/cli.ts';
import { tempDir } from '../support/temp.ts';

const ROWS = 50_000;
const TEAMS = 12;

interface CardList {
  file: string;
  /** UIDs (hex) of the good rows that are new cards. */
  fresh: Set<string>;
  /** UIDs of the cards enrolled before the import, which the list updates (a new owner). */
  known: string[];
  /** File line numbers of the rows the import must refuse. */
  broken: number[];
}

/** A 7-byte NXP-style UID, unique per row number. */
const uidOf = (i: number) => `04${i.toString(16).toUpperCase().padStart(6, '0')}2A5B80`;

/**
 * A card list as a car park's office keeps it (German Excel: semicolons, CRLF): owner, printed label, a
 * group (an existing one or one of 12 teams the import creates), sometimes a validity date, and now and then
 * a row the import must refuse. Its first three rows are cards enrolled before, with a new owner.
 */
function cardList(dir: string): CardList {
  const lines = ['UID;Name;Label;Gruppe;Gültig bis'];
  const fresh = new Set<string>();
  const known: string[] = [];
  const broken: number[] = [];
  for (let i = 0; i < ROWS; i++) {
    const line = i + 2;
    const group = i % 5 === 0 ? 'Staff' : `Team ${i % TEAMS}`;
    const date = i % 3 === 0 ? '31.12.2030' : i % 7 === 0 ? '2031-06-30' : '';
    if (i % 997 === 500) {
      broken.push(line);
      const kind = broken.length % 4;
      if (kind === 0) lines.push(`04ZZ${i};Person ${i};WB-${i};${group};`);
      else if (kind === 1) lines.push(`${uidOf(i)};Person ${i};WB-${i};${group};31.02.2030`);
      else if (kind === 2) lines.push(`${uidOf(i - 1)};Person ${i};WB-${i};${group};`);
      else lines.push(`${uidOf(i)};Person ${i};${'L'.repeat(61)};${group};`);
      continue;
    }
    lines.push(`${uidOf(i)};Person ${i};WB-${i};${group};${date}`);
    if (i < 3) known.push(uidOf(i));
    else fresh.add(uidOf(i));
  }
  const file = join(dir, 'cards.csv');
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return { file, fresh, known, broken };
}

/** The data folder with group Staff and the list's first three cards enrolled (by a small import). */
async function folderWithKnownCards(dir: string, list: CardList): Promise<string[]> {
  const data = ['--data-dir', join(dir, 'data')];
  assert.equal((await wbc([...data, 'groups', 'add', 'Staff'])).code, 0);
  const first = join(dir, 'first.csv');
  writeFileSync(first, `UID;Name\n${list.known.map((uid) => `${uid};Old Owner`).join('\n')}\n`);
  const enrolled = await wbc([...data, 'cards', 'import', first, '--group', 'Staff', '--yes']);
  assert.equal(enrolled.code, 0, enrolled.stderr);
  return data;
}

interface Stored {
  /** UID hex → the card's row. */
  cards: Map<string, { id: number; owner: string | null; groupId: number | null }>;
  groups: Array<{ id: number; name: string; cards: number }>;
  /** The id ranges the `cards.import` audit rows name. */
  importRanges: Array<[number, number]>;
  groupAudits: Set<number>;
  cardUpdates: number;
}

function stored(core: Core): Stored {
  const db = core.store.db;
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  const cards = new Map<string, { id: number; owner: string | null; groupId: number | null }>();
  for (const row of db
    .prepare('SELECT id, hex(uid) AS uid, owner, group_id AS groupId FROM cards')
    .all() as Array<{ id: number; uid: string; owner: string | null; groupId: number | null }>) {
    assert.ok(!cards.has(row.uid), `card ${row.uid} stored once`);
    cards.set(row.uid, row);
  }
  const groups = db
    .prepare(
      'SELECT g.id, g.name, (SELECT count(*) FROM cards c WHERE c.group_id = g.id) AS cards FROM groups g',
    )
    .all() as Stored['groups'];
  const audits = db.prepare('SELECT action, entity, entity_id AS entityId FROM audit_log').all() as Array<{
    action: string;
    entity: string;
    entityId: string | null;
  }>;
  const importRanges = audits
    .filter((a) => a.action === 'cards.import' && a.entityId)
    .map((a) => (a.entityId as string).split('-').map(Number) as [number, number]);
  const groupAudits = new Set(
    audits.filter((a) => a.action === 'group.create').map((a) => Number(a.entityId)),
  );
  const cardUpdates = audits.filter((a) => a.action === 'card.update').length;
  return { cards, groups, importRanges, groupAudits, cardUpdates };
}

/** What the one-transaction promise says, whichever way the import ended: every stored card and group is
 *  accounted for by its audit row, and no group stands without its cards. */
function assertAccountedFor(s: Stored): void {
  for (const [uid, card] of s.cards) {
    assert.ok(
      s.importRanges.some(([first, last]) => card.id >= first && card.id <= last),
      `card ${uid} (id ${card.id}) is named by the audit row of the import that wrote it`,
    );
  }
  for (const group of s.groups) {
    assert.ok(s.groupAudits.has(group.id), `group ${group.name} has its audit row`);
    assert.ok(group.cards > 0, `group ${group.name} was not created without its cards`);
  }
}

function openData(t: TestContext, data: string[]): Core {
  const core = openCore({ dataDir: data[1] as string });
  t.after(() => core.close());
  return core;
}

test('wbc cards import killed (SIGKILL) while it writes 50,000 cards: all of them or none, each audited; the same import again writes each good row once', async (t) => {
  const dir = tempDir(t);
  const list = cardList(dir);
  const data = await folderWithKnownCards(dir, list);

  const cli = wbcRunning(t, [...data, 'cards', 'import', list.file, '--create-groups', '--yes'], {
    stdin: 'ignore',
  });
  // The first progress line comes from inside the one transaction, 5,000 rows in: killed now, the kill lands
  // in the middle of the import (an import committed row by row would have 5,000 cards on disk already).
  cli.child.stderr.on('data', () => {
    if (/ of \d+ cards written into it/.test(cli.stderr()) && !cli.child.killed) cli.child.kill('SIGKILL');
  });
  await cli.exited;
  assert.equal(cli.child.signalCode, 'SIGKILL', `killed before it ended by itself: ${cli.stderr()}`);
  const total = list.fresh.size + list.known.length;
  assert.match(cli.stderr(), new RegExp(`Writing ${total} cards in one transaction`));
  assert.match(cli.stderr(), new RegExp(`^ {2}5000 of ${total} cards written into it`, 'm'));

  const core = openData(t, data);
  const after = stored(core);
  const fresh = [...list.fresh].filter((uid) => after.cards.has(uid)).length;
  const whole = fresh === list.fresh.size;
  t.diagnostic(whole ? 'the kill came after the commit' : 'the kill came before the commit');
  assert.ok(fresh === 0 || whole, `${fresh} of ${list.fresh.size} new cards stored: a part of the import`);
  assert.equal(after.cards.size, whole ? list.fresh.size + list.known.length : list.known.length);
  const owners = list.known.map((uid) => after.cards.get(uid)?.owner);
  assert.deepEqual(
    owners,
    whole ? ['Person 0', 'Person 1', 'Person 2'] : ['Old Owner', 'Old Owner', 'Old Owner'],
  );
  assert.equal(after.cardUpdates, whole ? list.known.length : 0, 'a card.update audit row per updated card');
  assert.deepEqual(
    after.groups.map((g) => g.name).sort(),
    ['Staff', ...(whole ? Array.from({ length: TEAMS }, (_, i) => `Team ${i}`) : [])].sort(),
  );
  assertAccountedFor(after);
  core.close();

  const again = await wbc([...data, 'cards', 'import', list.file, '--create-groups', '--yes']);
  // The file has refused rows: the import says so in its exit code, and lists each by its line.
  assert.equal(again.code, 1, again.stderr);
  assert.match(
    again.stderr,
    new RegExp(`CARDS_IMPORT_REFUSED_ROWS: ${list.broken.length} rows of the file were refused`),
  );
  const problemRows = [...again.stdout.matchAll(/^ {2}row (\d+): (?!0[0-9A-F]{13} )/gm)].map((m) =>
    Number(m[1]),
  );
  assert.deepEqual(problemRows, list.broken);
  if (!whole) {
    assert.match(
      again.stdout,
      new RegExp(`^${list.fresh.size} cards imported \\(${list.broken.length} rows skipped\\)\\.$`, 'm'),
    );
    assert.match(again.stdout, /^3 known cards updated\.$/m);
  }

  const final = openData(t, data);
  const end = stored(final);
  assert.equal(end.cards.size, list.fresh.size + list.known.length, 'each good row stored exactly once');
  for (const uid of [...list.fresh, ...list.known]) assert.ok(end.cards.has(uid), `${uid} stored`);
  assert.deepEqual(
    list.known.map((uid) => end.cards.get(uid)?.owner),
    ['Person 0', 'Person 1', 'Person 2'],
  );
  assert.equal(end.importRanges.length, 2, 'the small import and the one big import');
  assert.equal(end.cardUpdates, list.known.length);
  assert.equal(end.groups.length, 1 + TEAMS, 'each group created once');
  assertAccountedFor(end);
});

test('Ctrl+C while wbc cards import checks 50,000 rows stops it before writing, saying so; Ctrl+C while it writes ends it at once, never half-written', async (t) => {
  const dir = tempDir(t);
  const list = cardList(dir);
  const data = await folderWithKnownCards(dir, list);
  const args = [...data, 'cards', 'import', list.file, '--create-groups', '--yes', '--lang', 'de'];

  const checking = wbcRunning(t, args, { stdin: 'ignore' });
  // The line comes right before the rows are checked: Ctrl+C now falls into the check, before any write.
  checking.child.stderr.on('data', () => {
    if (checking.stderr().includes('Prüfe die Zeilen') && !checking.child.killed)
      checking.child.kill('SIGINT');
  });
  assert.equal(await checking.exited, 1, checking.stderr());
  assert.match(checking.stderr(), /CARDS_IMPORT_CANCELLED: Import abgebrochen: Nichts wurde geschrieben\./);
  assert.match(checking.stderr(), /Karten und Gruppen sind wie vorher\./);
  assert.doesNotMatch(checking.stderr(), /Schreibe \d+ Karten/);
  assert.doesNotMatch(checking.stdout(), /Karten importiert/);

  const core = openData(t, data);
  const after = stored(core);
  assert.deepEqual([...after.cards.keys()].sort(), [...list.known].sort(), 'no card of the list written');
  assert.deepEqual(
    list.known.map((uid) => after.cards.get(uid)?.owner),
    ['Old Owner', 'Old Owner', 'Old Owner'],
  );
  assert.deepEqual(
    after.groups.map((g) => g.name),
    ['Staff'],
    'no group created',
  );
  assert.equal(after.importRanges.length, 1, 'only the small import before');
  assertAccountedFor(after);
  core.close();

  // Inside the commit no handler could run before its end: Ctrl+C ends the process as it comes, and SQLite
  // rolls back the transaction it cut short.
  const writing = wbcRunning(t, args, { stdin: 'ignore' });
  writing.child.stderr.on('data', () => {
    if (/ von \d+ Karten hineingeschrieben/.test(writing.stderr()) && !writing.child.killed)
      writing.child.kill('SIGINT');
  });
  await writing.exited;
  assert.equal(writing.child.signalCode, 'SIGINT', writing.stderr());
  const ended = stored(openData(t, data));
  const fresh = [...list.fresh].filter((uid) => ended.cards.has(uid)).length;
  t.diagnostic(fresh === 0 ? 'Ctrl+C came before the commit' : 'Ctrl+C came after the commit');
  assert.ok(fresh === 0 || fresh === list.fresh.size, `${fresh} of ${list.fresh.size} new cards stored`);
  assert.equal(ended.groups.length, fresh === 0 ? 1 : 1 + TEAMS);
  assertAccountedFor(ended);
});
