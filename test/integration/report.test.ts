// The commissioning report opened as a user would: a real run against a simulated box over a real WebSocket,
// its report as PDF read back with poppler (pdftotext, pdfinfo, pdftoppm rendered to pixels) in English and
// German, as HTML, per site (one page per box), and through `wbc report` (a real process, file mode 0600).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { Core } from '../../main/core.ts';
import { BareCsms } from '../support/bare-csms.ts';
import { launchBrowser } from '../support/browser.ts';
import { wbc } from '../support/cli.ts';
import { callOk, testCore } from '../support/core.ts';
import { coreWithCsms, simBox } from '../support/sim.ts';
import { tempDir } from '../support/temp.ts';

/** A vendor string as a box may send it: umlauts (WinAnsi), a CJK character (not), markup. */
const VENDOR = 'Müller & Söhne 中';
const MODEL = 'Straßen-Box <b>';

function pdfText(file: string, page?: number): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', ...range, file, '-'], { encoding: 'utf8' });
}

function pdfInfo(file: string): { pages: number; size: string } {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return {
    pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1]),
    size: /Page size:\s+(.*)/.exec(info)?.[1] ?? '',
  };
}

/** Renders page 1 in grey at 40 dpi (as a viewer would) and returns the share of dark pixels. */
function inkOfFirstPage(t: TestContext, file: string): number {
  const out = join(tempDir(t), 'page');
  execFileSync('pdftoppm', ['-gray', '-r', '40', '-f', '1', '-l', '1', file, out]);
  const pgm = readFileSync(`${out}-1.pgm`);
  // P5 header: magic, width, height, maxval, each followed by whitespace.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 40).toString('latin1'));
  assert.ok(header, 'pdftoppm wrote a PGM image');
  const pixels = pgm.subarray(header[0].length);
  let dark = 0;
  for (const value of pixels) if (value < 128) dark++;
  return dark / pixels.length;
}

function saved(t: TestContext, file: { filename: string; base64: string }): string {
  const path = join(tempDir(t), file.filename);
  writeFileSync(path, Buffer.from(file.base64, 'base64'));
  return path;
}

/** One box commissioned to a company CSMS that it leaves for (left, not confirmed), after a test charge. */
async function commissionedBox(t: TestContext, core: Core, url: string, identity: string) {
  const company = await BareCsms.start(t);
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity,
    vendor: VENDOR,
    model: MODEL,
    serialNumber: 'SN-4711',
    firmwareVersion: '2.1.0',
  });
  const charge = await callOk(core, 'boxes.testCharge', { identity, seconds: 2 });
  const started = await callOk(core, 'commissioning.start', {
    identity,
    template: {
      name: 'Tiefgarage',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      verifyWindowS: 1,
    },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));
  const password = core.vault.use(run.state.passwordSecretId as number, (value) => value);
  return { run, password, charge };
}

test('a run report as PDF reads, in English and German, what the run did and only what it saw; A4, one page per box', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const { run, password, charge } = await commissionedBox(t, core, url, 'WB-R1');

  const en = saved(t, await callOk(core, 'report.run', { runId: run.id, language: 'en' }));
  assert.equal(readFileSync(en).subarray(0, 5).toString(), '%PDF-');
  const info = pdfInfo(en);
  assert.match(info.size, /^595\.28 x 841\.89 pts \(A4\)/);
  assert.ok(info.pages >= 1 && info.pages <= 2, `one box fits on one or two pages (${info.pages})`);
  assert.ok(inkOfFirstPage(t, en) > 0.005, 'page 1 renders with visible text');
  const text = pdfText(en);
  for (const expected of [
    'Commissioning report: WB-R1',
    'Result: left, not confirmed',
    'Müller & Söhne [U+4E2D]',
    'Straßen-Box <b>',
    'SN-4711',
    '2.1.0',
    'Tiefgarage',
    'Cst_BackendUrl',
    '(generated password)',
    'set, kept in the vault (never printed)',
    `${(charge.energyWh / 1000).toLocaleString('en-GB', { minimumFractionDigits: 3, maximumFractionDigits: 3 })} kWh delivered`,
    'Signatures',
    'Electrician: name and signature',
    '[U+XXXX]',
    'Page 1 of',
  ])
    assert.ok(text.includes(expected), `EN PDF says "${expected}":\n${text}`);
  // Honest words: nobody confirmed this box, so the report never says so.
  assert.doesNotMatch(text, /verified|Result: confirmed/i);
  assert.ok(!text.includes(password), 'the generated password is never printed');

  const de = saved(t, await callOk(core, 'report.run', { runId: run.id, language: 'de' }));
  const deText = pdfText(de);
  for (const expected of [
    'Inbetriebnahmebericht',
    'Müller & Söhne [U+4E2D]',
    'Straßen-Box',
    'gesetzt, im Tresor verwahrt (nie gedruckt)',
    'Unterschriften',
    'Elektrofachkraft: Name und Unterschrift',
    'Ort und Datum',
    'Seite 1 von',
  ])
    assert.ok(deText.includes(expected), `DE PDF says "${expected}":\n${deText}`);
  assert.ok(!deText.includes(password));
});

test('a 2.0.1 box commissioned with a full template fits on one A4 page with its signature, in EN and DE; long names break at their dots', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const company = await BareCsms.start(t);
  const group = await callOk(core, 'groups.create', { name: 'Staff' });
  for (const uid of ['04A1B2C3', '04A1B2C4', '04112233445566'])
    await callOk(core, 'cards.enroll', { uid, groupId: group.id });
  await simBox(t, core, { ocppVersion: '2.0.1', endpoint: url, identity: 'WB-F1' });
  const site = await callOk(core, 'sites.create', { name: 'Tiefgarage Süd' });
  await callOk(core, 'stations.assignSite', {
    stationIds: (await callOk(core, 'stations.list', {})).map((s) => s.id),
    siteId: site.id,
  });
  await callOk(core, 'boxes.testCharge', { identity: 'WB-F1', seconds: 2 });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-F1',
    template: {
      name: 'Tiefgarage Süd',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      heartbeatIntervalS: 300,
      meterValues: {
        sampleIntervalS: 60,
        measurands: ['Energy.Active.Import.Register', 'Power.Active.Import'],
      },
      localAuthorization: { listEnabled: true, offline: true },
      groups: ['Staff'],
      verifyWindowS: 1,
    },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'left-not-confirmed', JSON.stringify(run.error));

  for (const [language, signature, cards] of [
    ['en', 'Electrician: name and signature', '3 cards, list version'],
    ['de', 'Elektrofachkraft: Name und Unterschrift', '3 Karten, Listenversion'],
  ] as const) {
    const pdf = saved(t, await callOk(core, 'report.run', { runId: run.id, language }));
    assert.equal(pdfInfo(pdf).pages, 1, `${language}: the box and its signature lines on one page`);
    const text = pdfText(pdf, 1);
    assert.ok(text.includes(signature) && text.includes(cards), text);
    // Setting names and measurand lists wider than their column break after a dot or comma, never inside a name.
    const words = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8' });
    for (const whole of ['TxUpdatedMeasurands', 'NetworkConfigurationPriority', 'Register'])
      assert.match(words, new RegExp(`>[^<]*${whole}[.,]?</word>`), `${language}: "${whole}" whole`);
  }

  // The HTML report printed as the desktop prints it (Chromium, A4): the same one page with its signature lines.
  const html = await callOk(core, 'report.run', { runId: run.id, format: 'html', language: 'de' });
  const browser = await launchBrowser(t);
  const page = await browser.newPage();
  await page.setContent(Buffer.from(html.base64, 'base64').toString('utf8'));
  const printed = join(tempDir(t), 'printed.pdf');
  writeFileSync(printed, await page.pdf({ format: 'A4', preferCSSPageSize: true }));
  assert.equal(pdfInfo(printed).pages, 1, 'the printed HTML report is one A4 page');
  const printedText = pdfText(printed);
  assert.ok(printedText.includes('Elektrofachkraft: Name und Unterschrift'), printedText);
  assert.ok(printedText.includes('TxUpdatedMeasurands'), printedText);
});

test('a run that failed before the box took its new password does not report the password as set', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const company = await BareCsms.start(t);
  await simBox(t, core, {
    ocppVersion: '1.6',
    endpoint: url,
    identity: 'WB-P1',
    misbehave: { rejectKeys: ['HeartbeatInterval'] },
  });
  const started = await callOk(core, 'commissioning.start', {
    identity: 'WB-P1',
    template: {
      name: 'Depot',
      csms: { url: company.url('/ocpp'), securityProfile: 1 },
      heartbeatIntervalS: 120,
      verifyWindowS: 1,
    },
    approval: 'auto',
  });
  const run = await core.commissioning.settled(started.id);
  assert.equal(run.status, 'failed', JSON.stringify(run.state.results));
  for (const [language, notSet, set] of [
    ['en', 'not set on the box', 'set, kept in the vault'],
    ['de', 'nicht auf der Box gesetzt', 'gesetzt, im Tresor verwahrt'],
  ] as const) {
    const text = pdfText(saved(t, await callOk(core, 'report.run', { runId: run.id, language })));
    assert.ok(text.includes(notSet), `${language}:\n${text}`);
    assert.ok(!text.includes(set), `${language}: the password is not claimed set:\n${text}`);
  }
});

test('the HTML report says the same, escapes what the box sent and holds no script', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const { run, password } = await commissionedBox(t, core, url, 'WB-H1');
  const file = await callOk(core, 'report.run', { runId: run.id, format: 'html', language: 'de' });
  assert.equal(file.mime, 'text/html;charset=utf-8');
  assert.match(file.filename, /\.html$/);
  const html = Buffer.from(file.base64, 'base64').toString('utf8');
  assert.match(html, /<html lang="de">/);
  assert.ok(html.includes('Müller &amp; Söhne 中'), 'HTML keeps every character as sent');
  assert.ok(html.includes('Straßen-Box &lt;b&gt;'), 'markup from the box is text');
  assert.ok(!html.includes('<b>'), 'no markup from the box reaches the page');
  assert.doesNotMatch(html, /<script/i);
  assert.ok(html.includes('Ergebnis: gegangen, nicht bestätigt'), html);
  assert.ok(html.includes('Unterschriften'));
  assert.ok(!html.includes(password));
});

test('a site report has an overview and one page per box, also for a box never commissioned', async (t) => {
  const { core, url } = await coreWithCsms(t);
  const { run } = await commissionedBox(t, core, url, 'WB-S1');
  await simBox(t, core, {
    ocppVersion: '2.0.1',
    endpoint: url,
    identity: 'WB-S2',
    vendor: 'Plain',
    model: 'Two',
  });
  const site = await callOk(core, 'sites.create', { name: 'Garage Süd' });
  const stations = await callOk(core, 'stations.list', {});
  await callOk(core, 'stations.assignSite', { stationIds: stations.map((s) => s.id), siteId: site.id });

  const pdf = saved(t, await callOk(core, 'report.site', { siteId: site.id, language: 'de' }));
  const { pages } = pdfInfo(pdf);
  assert.equal(pages, 3, 'overview, then one page per box');
  const overview = pdfText(pdf, 1);
  assert.ok(overview.includes('Inbetriebnahmebericht: Standort Garage Süd'), overview);
  assert.ok(overview.includes('WB-S1') && overview.includes('WB-S2'), overview);
  assert.ok(overview.includes('nicht in Betrieb genommen'), overview);
  assert.ok(pdfText(pdf, 2).includes(`#${run.id}`), 'page 2: the commissioned box with its run');
  const second = pdfText(pdf, 3);
  assert.ok(
    second.includes('WB-S2') && second.includes('Dieses Programm hat diese Box nie in Betrieb genommen'),
    second,
  );

  const empty = await callOk(core, 'sites.create', { name: 'Leer' });
  const reply = await core.router.call('report.site', { siteId: empty.id }, core.context('cli'));
  assert.equal(reply.ok, false);
  assert.equal(!reply.ok && reply.error.code, 'REPORT_SITE_EMPTY');
});

test('`wbc report` writes the run and the site report for its owner only, in the language asked for', async (t) => {
  const dataDir = tempDir(t);
  const core = testCore(t, { dataDir });
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true, bootIntervalS: 1 });
  const url = `ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`;
  const { run } = await commissionedBox(t, core, url, 'WB-C1');
  const site = await callOk(core, 'sites.create', { name: 'Depot Nord' });
  await callOk(core, 'stations.assignSite', {
    stationIds: (await callOk(core, 'stations.list', {})).map((s) => s.id),
    siteId: site.id,
  });
  await core.close();

  const out = tempDir(t);
  const pdf = join(out, 'run.pdf');
  const made = await wbc([
    'report',
    '--run',
    String(run.id),
    '--out',
    pdf,
    '--lang',
    'de',
    '--data-dir',
    dataDir,
  ]);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /Bericht nach .*run\.pdf geschrieben \(1 Box\)\./);
  assert.equal(statSync(pdf).mode & 0o777, 0o600);
  assert.ok(pdfText(pdf).includes('Inbetriebnahmebericht: WB-C1'));

  const html = join(out, 'site.html');
  const siteRun = await wbc([
    'report',
    '--site',
    'depot nord',
    '--format',
    'html',
    '--out',
    html,
    '--data-dir',
    dataDir,
  ]);
  assert.equal(siteRun.code, 0, siteRun.stderr);
  assert.equal(statSync(html).mode & 0o777, 0o600);
  assert.match(readFileSync(html, 'utf8'), /Commissioning report: site Depot Nord/);

  const bad = await wbc([
    'report',
    '--run',
    String(run.id),
    '--format',
    'docx',
    '--out',
    pdf,
    '--data-dir',
    dataDir,
  ]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /format/i);
  const neither = await wbc(['report', '--out', pdf, '--data-dir', dataDir]);
  assert.notEqual(neither.code, 0);
});
