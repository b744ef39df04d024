// Compares one box's configuration with another box's or with what a template asks for, key by key,
// and writes the differences as CSV. Write-only values (passwords, keys) are never compared or shown.
import type { Template } from '../../../main/commissioning/template-schema.ts';
import type { ConfigEntry } from '../../../main/ocpp/types.ts';
import { type ConfigRow, diffConfig } from './config-diff.ts';

/** The settings a template writes by OCPP key (the keys of main/commissioning/plan.ts, per version). */
export function templateEntries(template: Template, ocppVersion: string): Array<[string, string]> {
  const v16 = ocppVersion.startsWith('1.6');
  const named: Array<[string, string, string | undefined]> = [
    ['HeartbeatInterval', 'OCPPCommCtrlr.HeartbeatInterval', template.heartbeatIntervalS?.toString()],
    [
      'MeterValueSampleInterval',
      'SampledDataCtrlr.TxUpdatedInterval',
      template.meterValues?.sampleIntervalS?.toString(),
    ],
    [
      'MeterValuesSampledData',
      'SampledDataCtrlr.TxUpdatedMeasurands',
      template.meterValues?.measurands?.join(','),
    ],
    [
      'LocalAuthListEnabled',
      'LocalAuthListCtrlr.Enabled',
      template.localAuthorization?.listEnabled?.toString(),
    ],
    [
      'LocalAuthorizeOffline',
      'AuthCtrlr.LocalAuthorizeOffline',
      template.localAuthorization?.offline?.toString(),
    ],
  ];
  const out = new Map<string, string>();
  for (const [k16, k201, value] of named) if (value !== undefined) out.set(v16 ? k16 : k201, value);
  for (const [key, value] of Object.entries(template.settings)) out.set(key, value);
  return [...out];
}

/** Rows of box A against box B: 'added' = only on A, 'removed' = only on B, 'changed' = other value. */
export function compareBoxes(a: ConfigEntry[], b: ConfigEntry[]): ConfigRow[] {
  return diffConfig(a, b);
}

/**
 * Rows of a box against a template, for the keys the template sets only: 'removed' = the box lacks the
 * key, 'changed' = another value (compared without case, as the run does), 'same' = as the template.
 */
export function compareWithTemplate(box: ConfigEntry[], wanted: Array<[string, string]>): ConfigRow[] {
  const byKey = new Map(box.map((e) => [e.key, e]));
  const rows: ConfigRow[] = [];
  for (const [key, value] of wanted) {
    const entry = byKey.get(key);
    if (!entry) {
      rows.push({ key, entry: { key, value, readonly: false }, before: null, change: 'removed' });
      continue;
    }
    if (entry.writeOnly) continue;
    const same = (entry.value ?? '').toLowerCase() === value.toLowerCase();
    rows.push({ key, entry, before: same ? null : value, change: same ? 'same' : 'changed' });
  }
  return rows.sort((x, y) => x.key.localeCompare(y.key));
}

function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV with a header; `words` turns a row's change into the user's language. */
export function compareCsv(
  rows: ConfigRow[],
  header: [string, string, string, string],
  words: (row: ConfigRow) => string,
  valueA: (row: ConfigRow) => string,
  valueB: (row: ConfigRow) => string,
): string {
  const lines = [header, ...rows.map((r) => [r.key, words(r), valueA(r), valueB(r)])];
  return `${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
