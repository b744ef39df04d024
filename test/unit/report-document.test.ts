// The words of a report for the outcomes a real run reaches rarely in a test (failed with its reason,
// confirmed by a CSMS, pre-flight results, a put-back), and the PDF font's character rule. Pure functions,
// no wire: the model is the input the store would give (report-model.ts); the PDF is read back with pdftotext.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderHtml } from '../../main/report/html-report.ts';
import { renderPdf } from '../../main/report/pdf-report.ts';
import { type Block, runDocument } from '../../main/report/report-document.ts';
import type { BoxReport } from '../../main/report/report-model.ts';
import { winAnsiText } from '../../main/report/win-ansi.ts';
import { tempDir } from '../support/temp.ts';

const at = '2026-12-06T04:00:00.000Z';

function box(run: Partial<NonNullable<BoxReport['run']>>): BoxReport {
  return {
    identity: 'WB-U1',
    site: 'Garage Süd',
    vendor: 'ACME',
    model: 'Volt 11',
    serialNumber: null,
    firmwareVersion: null,
    ocppVersion: '2.0.1',
    run: {
      id: 7,
      status: 'failed',
      error: null,
      templateName: 'T',
      csmsUrl: 'wss://csms.example/ocpp',
      securityProfile: 2,
      writes: [],
      password: 'none',
      cards: null,
      reset: null,
      reconnects: 0,
      verify: null,
      registration: [],
      rollback: null,
      preflight: null,
      testCharge: null,
      actor: 'desktop',
      startedAt: at,
      updatedAt: at,
      ...run,
    },
  };
}

function allText(blocks: Block[]): string {
  return JSON.stringify(blocks);
}

test('a failed run says failed and why, in English and German; never confirmed', () => {
  const failed = box({
    status: 'failed',
    error: {
      code: 'COMMISSION_LIMIT_REFUSED',
      params: { identity: 'WB-U1', amps: 16, status: 'Rejected', detail: 'x' },
    },
  });
  const en = runDocument('en', failed, at, 'WBC').sections[0];
  assert.equal(en?.outcome.tone, 'bad');
  assert.match(
    en?.outcome.text ?? '',
    /^Result: failed\. Reason: WB-U1 did not take the maximum current of 16 A/,
  );
  const de = runDocument('de', failed, at, 'WBC').sections[0];
  assert.match(
    de?.outcome.text ?? '',
    /^Ergebnis: fehlgeschlagen\. Grund: WB-U1 hat den Maximalstrom von 16 A nicht übernommen/,
  );
});

test('confirmed only when the run is; the CSMS registration, pre-flight checks and a put-back are reported', () => {
  const confirmed = runDocument(
    'en',
    box({ status: 'confirmed', verify: { outcome: 'confirmed', at, windowS: 180 } }),
    at,
    'WBC',
  ).sections[0];
  assert.equal(confirmed?.outcome.tone, 'good');
  assert.match(
    confirmed?.outcome.text ?? '',
    /confirmed\. The company CSMS reported the box connected and accepted/,
  );

  const full = runDocument(
    'de',
    box({
      status: 'failed',
      registration: [{ csms: 'SteVe', state: 'manual', error: null }],
      preflight: [
        { check: 'TLS', ok: false, detail: 'läuft in 3 Tagen ab' },
        { check: 'DNS', ok: true, detail: null },
      ],
      rollback: {
        mode: 'restored',
        entries: [{ key: 'HeartbeatInterval', from: '3600', to: '300', secret: false, outcome: 'restored' }],
        nextReboot: 'as-before',
      },
    }),
    at,
    'WBC',
  ).sections[0];
  const text = allText(full?.parts.flatMap((p) => p.blocks) ?? []);
  assert.match(text, /SteVe: nimmt Stationen nur von Hand;/);
  assert.ok(full?.parts.some((p) => p.heading === 'Prüfungen vor dem Verlassen'));
  assert.match(text, /nicht bestanden/);
  assert.match(text, /läuft in 3 Tagen ab/);
  assert.match(text, /HeartbeatInterval/);
});

test('Helvetica text: umlauts and ß stay, what WinAnsi lacks becomes [U+XXXX], our arrows are spelled out', () => {
  assert.deepEqual(winAnsiText('Müller Straße ÄÖÜ € – „x“'), {
    text: 'Müller Straße ÄÖÜ € – „x“',
    replaced: false,
  });
  assert.deepEqual(winAnsiText('Box 中 😀\u0007'), {
    text: 'Box [U+4E2D] [U+1F600][U+0007]',
    replaced: true,
  });
  assert.deepEqual(winAnsiText('vorher → nachher'), { text: 'vorher -> nachher', replaced: false });
});

test('a box string with an emoji and control characters: the PDF shows it escaped with the note, the HTML as sent but safe', async (t) => {
  const odd = { ...box({ status: 'left-not-confirmed' }), vendor: 'Wall😀Box\u0007' };
  const document = runDocument('en', odd, at, 'WBC');
  const file = join(tempDir(t), 'odd.pdf');
  writeFileSync(file, await renderPdf(document, { creator: 'test', createdAt: new Date(at) }));
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  assert.ok(text.includes('Wall[U+1F600]Box[U+0007]'), text);
  assert.ok(text.includes('written as [U+XXXX]'), text);
  const html = renderHtml(document);
  assert.ok(html.includes('Wall😀Box[U+0007]'));
});

test('a box whose report runs onto a second page names itself there, so the signed page says which box it is for', async (t) => {
  const writes = Array.from({ length: 45 }, (_, i) => ({
    key: `Vendor.Setting${i}`,
    from: String(i),
    to: String(i + 1),
    secret: false,
    answer: 'Accepted',
  }));
  for (const [language, continued] of [
    ['en', 'Commissioning report: WB-U1 (continued)'],
    ['de', 'Inbetriebnahmebericht: WB-U1 (Fortsetzung)'],
  ] as const) {
    const document = runDocument(language, box({ status: 'left-not-confirmed', writes }), at, 'WBC');
    const file = join(tempDir(t), `long-${language}.pdf`);
    writeFileSync(file, await renderPdf(document, { creator: 'test', createdAt: new Date(at) }));
    const page2 = execFileSync('pdftotext', ['-f', '2', '-l', '2', '-enc', 'UTF-8', file, '-'], {
      encoding: 'utf8',
    });
    assert.ok(page2.trimStart().startsWith(continued), page2);
    assert.ok(page2.includes(language === 'en' ? 'Signatures' : 'Unterschriften'), page2);
  }
});

test('a confirmed run names who confirmed it (a CSMS connector, or the proxy that saw the CSMS accept the boot)', () => {
  const verify = {
    outcome: 'confirmed' as const,
    at,
    windowS: 180,
    confirmedBy: 'seen through the proxy (wss://csms.example/ocpp)',
  };
  for (const [language, words] of [
    ['en', 'confirmed by: seen through the proxy (wss://csms.example/ocpp)'],
    ['de', 'bestätigt durch: seen through the proxy (wss://csms.example/ocpp)'],
  ] as const) {
    const section = runDocument(language, box({ status: 'confirmed', verify }), at, 'WBC').sections[0];
    assert.ok(allText(section?.parts.flatMap((p) => p.blocks) ?? []).includes(words), language);
  }
});
