// The header row of a card list: which column holds the UID, label, owner, group and expiry, under the
// names other tools and people give them (SteVe's idTag, OCPI's uid, a German sheet's Karten-ID).
import { AppError } from '../api/errors.ts';

export type CardColumn = 'uid' | 'label' | 'owner' | 'group' | 'validUntil';

/** Names compared without case, spaces, '_', '-' and '.', so "Karten-ID", "id_tag" and "ID Tag" all match. */
export const columnAliases: Record<CardColumn, readonly string[]> = {
  uid: ['uid', 'idtag', 'kartenid', 'karte', 'kartennummer', 'rfid', 'rfiduid', 'carduid', 'card'],
  // A label is what is printed on the card (OCPI visual_number); a "Name" column names a person: the owner.
  label: ['label', 'bezeichnung', 'visualnumber', 'kartenbeschriftung', 'aufdruck'],
  owner: ['owner', 'name', 'besitzer', 'inhaber', 'user', 'nutzer', 'fahrer', 'driver', 'mitarbeiter'],
  group: ['group', 'parentidtag', 'gruppe', 'groupid'],
  validUntil: ['validuntil', 'expirydate', 'expiry', 'expires', 'gueltigbis', 'gültigbis', 'ablaufdatum'],
};

export function normaliseHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');
}

const byAlias = new Map<string, CardColumn>(
  (Object.keys(columnAliases) as CardColumn[]).flatMap((column) =>
    columnAliases[column].map((alias) => [alias, column] as const),
  ),
);

export interface ColumnMap {
  /** Index of each known column in the row; absent columns are missing. */
  index: Partial<Record<CardColumn, number>>;
  /** Header cells that name none of the known columns: shown, not read. */
  ignored: string[];
  /** Each field read, with the header cell it is read from, in the file's order. */
  mapping: Array<{ field: CardColumn; header: string }>;
  width: number;
}

export function mapHeader(cells: string[]): ColumnMap {
  const index: Partial<Record<CardColumn, number>> = {};
  const ignored: string[] = [];
  const mapping: ColumnMap['mapping'] = [];
  cells.forEach((cell, i) => {
    const column = byAlias.get(normaliseHeader(cell));
    if (!column) {
      if (cell.trim() !== '') ignored.push(cell.trim());
      return;
    }
    if (index[column] !== undefined) {
      throw new AppError('CARDS_CSV_HEADER_DUPLICATE', { column: cell.trim().slice(0, 40) });
    }
    index[column] = i;
    mapping.push({ field: column, header: cell.trim() });
  });
  if (index.uid === undefined) {
    throw new AppError('CARDS_CSV_NO_UID_COLUMN', {
      found: cells
        .map((c) => c.trim())
        .filter(Boolean)
        .join(', ')
        .slice(0, 200),
      accepted: 'uid, idTag, id_tag, Karten-ID, rfid',
    });
  }
  return { index, ignored, mapping, width: cells.length };
}
