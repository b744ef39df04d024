// The fields of a card as a company CSMS holds them, compared one by one: the conflict view and the dry
// run show what differs between this tool and the CSMS, field by field, in the same order.
import type { RemoteToken } from '../../../main/csms/connector.ts';
import type { TokenPayload } from '../../../main/csms/outbox.ts';

export const TOKEN_FIELDS = ['groupIdTag', 'label', 'owner', 'validUntil', 'valid'] as const;
export type TokenField = (typeof TOKEN_FIELDS)[number];

export interface FieldRow {
  field: TokenField;
  ours: string | null;
  theirs: string | null;
  differs: boolean;
}

const shown = (value: string | boolean | null | undefined): string | null =>
  value === null || value === undefined ? null : String(value);

/** Each field here and at the CSMS (null: the CSMS does not hold the card, or the field is empty). */
export function fieldRows(ours: TokenPayload, theirs: RemoteToken | null): FieldRow[] {
  return TOKEN_FIELDS.map((field) => {
    const here = shown(ours[field]);
    const there = theirs ? shown(theirs[field]) : null;
    return { field, ours: here, theirs: there, differs: here !== there };
  });
}

/** A field's value as people read it: "(empty)", and yes / no for validity, in their language. */
export function fieldValue(t: (key: string) => string, field: TokenField, value: string | null): string {
  if (value === null) return t('sync.value.empty');
  if (field === 'valid') return t(value === 'true' ? 'sync.value.yes' : 'sync.value.no');
  return value;
}
