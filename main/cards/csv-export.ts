// Card lists for other tools: a plain sheet (re-importable), SteVe's OCPP tag fields, OCPI 2.2.1 tokens
// as JSON lines. Cells a spreadsheet would run as a formula are defused (OWASP CSV injection guidance).
import { AppError } from '../api/errors.ts';
import type { Uid } from '../rfid/uid.ts';
import { formatUid, type UidPresetName, uidPresets } from '../rfid/uid-format.ts';
import type { Store } from '../store/database.ts';
import { localIso } from './expiry-date.ts';
import type { ExportFile, ExportShape } from './types.ts';

export interface ExportRequest {
  shape: ExportShape;
  groupId?: number | undefined;
  format?: UidPresetName | undefined;
  delimiter?: ',' | ';' | undefined;
  /** OCPI only: the eMSP's ISO 3166 country code and party id. */
  countryCode?: string | undefined;
  partyId?: string | undefined;
  issuer?: string | undefined;
}

interface Row {
  id: number;
  uid: Buffer;
  label: string | null;
  owner: string | null;
  valid_until: string | null;
  updated_at: string;
  group_name: string | null;
  group_tag: string | null;
}

/**
 * A CSV cell: quoted when it holds a quote, a delimiter or a line break; a cell that starts with = + - @,
 * a tab or a carriage return gets a leading ' and quotes, so Excel and LibreOffice show it as text.
 */
export function csvCell(value: string | null | undefined): string {
  let text = value ?? '';
  // Either delimiter is quoted: Excel splits a .csv by the locale's separator, not by the file's.
  let quote = /[",;\t\r\n]/.test(text);
  if (/^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
    quote = true;
  }
  return quote ? `"${text.replace(/"/g, '""')}"` : text;
}

function uidOf(bytes: Buffer): Uid {
  return { bytes: new Uint8Array(bytes), source: 'import', readerId: null, readAs: 'bytes' };
}

/** OCPI wants an ISO 8601 timestamp; a row written without one (an old test fixture) gets the export time. */
function isoOr(text: string, fallback: string): string {
  const time = new Date(text).getTime();
  return Number.isNaN(time) ? fallback : new Date(time).toISOString();
}

function slug(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .replace(/[^\w-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase() || 'group'
  );
}

export function exportCards(store: Store, request: ExportRequest, now = new Date()): ExportFile {
  const format = uidPresets[request.format ?? 'hex-msb-upper'];
  const countryCode = (request.countryCode ?? '').toUpperCase();
  const partyId = (request.partyId ?? '').toUpperCase();
  if (request.shape === 'ocpi' && (!/^[A-Z]{2}$/.test(countryCode) || !/^[A-Z0-9]{3}$/.test(partyId))) {
    throw new AppError('CARDS_EXPORT_PARTY', { countryCode, partyId });
  }
  let groupName = 'all';
  if (request.groupId !== undefined) {
    const group = store.stmt('SELECT name FROM groups WHERE id = ?').get(request.groupId) as
      | { name: string }
      | undefined;
    if (!group) throw new AppError('NOT_FOUND', { entity: 'group', id: request.groupId });
    groupName = group.name;
  }
  const sql = `SELECT c.id, c.uid, c.label, c.owner, c.valid_until, c.updated_at, g.name AS group_name, g.group_id_tag AS group_tag
     FROM cards c LEFT JOIN groups g ON g.id = c.group_id ${request.groupId === undefined ? '' : 'WHERE c.group_id = ?'} ORDER BY c.id`;
  const statement = store.db.prepare(sql);
  // Iterated only inside a for..of (which closes it on a throw): an open iterator keeps the connection busy.
  const rows = {
    [Symbol.iterator]: () =>
      (request.groupId === undefined ? statement.iterate() : statement.iterate(request.groupId))[
        Symbol.iterator
      ]() as Iterator<Row>,
  };
  const format1 = (bytes: Buffer) => {
    const text = formatUid(uidOf(bytes), format);
    if (!text.ok)
      throw new AppError('CARD_UID_INVALID', {
        ...text.params,
        uid: bytes.toString('hex'),
        reason: text.code,
      });
    return text.value;
  };
  const stamp = now.toISOString().slice(0, 10);
  const base = `cards-${slug(groupName)}-${request.shape}-${stamp}`;
  const d = request.delimiter ?? ',';
  const line = (cells: Array<string | null>) => cells.map((c) => csvCell(c)).join(d);
  const lines: string[] = [];
  let count = 0;

  if (request.shape === 'plain') {
    lines.push(line(['uid', 'label', 'owner', 'group', 'valid_until']));
    for (const r of rows) {
      // In the local time zone with its offset: the day a person reads is the day the card ends on.
      const validUntil = r.valid_until === null ? null : localIso(r.valid_until);
      lines.push(line([format1(r.uid), r.label, r.owner, r.group_name, validUntil]));
      count++;
    }
    // The BOM makes Excel read the file as UTF-8 (umlauts in names); CRLF as RFC 4180 says.
    return { filename: `${base}.csv`, content: `\uFEFF${lines.join('\r\n')}\r\n`, mime: 'text/csv', count };
  }

  if (request.shape === 'steve') {
    lines.push(line(['idTag', 'parentIdTag', 'expiryDate', 'maxActiveTransactionCount', 'note']));
    const cards: string[] = [];
    const parents = new Map<string, string>();
    for (const r of rows) {
      if (r.group_tag && r.group_name) parents.set(r.group_tag, r.group_name);
      const note = [r.label, r.owner].filter(Boolean).join(' / ');
      cards.push(line([format1(r.uid), r.group_tag, r.valid_until, '1', note || null]));
      count++;
    }
    // SteVe's parentIdTag refers to an existing tag: the group tags go first, as tags of their own.
    for (const [tag, name] of parents) lines.push(line([tag, null, null, '1', `group ${name}`]));
    lines.push(...cards);
    return { filename: `${base}.csv`, content: `${lines.join('\r\n')}\r\n`, mime: 'text/csv', count };
  }

  const nowIso = now.toISOString();
  for (const r of rows) {
    const uid = format1(r.uid);
    lines.push(
      JSON.stringify({
        country_code: countryCode,
        party_id: partyId,
        uid,
        type: 'RFID',
        contract_id: `${countryCode}-${partyId}-C${r.uid.toString('hex').toUpperCase()}`.slice(0, 36),
        ...(r.label ? { visual_number: r.label.slice(0, 64) } : {}),
        issuer: (request.issuer ?? `${countryCode}-${partyId}`).slice(0, 64),
        ...(r.group_tag ? { group_id: r.group_tag } : {}),
        valid: r.valid_until === null || r.valid_until >= nowIso,
        whitelist: 'ALLOWED_OFFLINE',
        last_updated: isoOr(r.updated_at, nowIso),
      }),
    );
    count++;
  }
  return {
    filename: `${base}.jsonl`,
    content: lines.length ? `${lines.join('\n')}\n` : '',
    mime: 'application/x-ndjson',
    count,
  };
}
