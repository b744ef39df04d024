// What the person sets up before a batch (readers, group, labels, owner, validity) and how it becomes
// the arguments of enrollment.start, with the mistakes the screen can name before the core is asked.
import { parseRoster, type Roster } from '../../cards/roster.ts';
import { endOfDay, today } from './card-text.ts';

export type LabelMode = 'pattern' | 'roster';
export type Notation = 'auto' | 'hex' | 'decimal';

export interface EnrollDraft {
  readers: string[];
  /** Keyboard readers typing into this window count as a reader. */
  windowTyping: boolean;
  /** How that reader types UIDs: digits alone may be hex or decimal, and only the reader's setting tells. */
  windowNotation: Notation;
  /** A group id as the select holds it; '' for none. */
  groupId: string;
  labelMode: LabelMode;
  pattern: string;
  rosterText: string;
  rosterHeader: boolean;
  owner: string;
  /** A date field's value ("2026-12-31"); '' for no end. */
  validUntil: string;
}

export const defaultPattern = 'Card-###';

export const emptyDraft: EnrollDraft = {
  readers: [],
  windowTyping: true,
  windowNotation: 'auto',
  groupId: '',
  labelMode: 'pattern',
  pattern: defaultPattern,
  rosterText: '',
  rosterHeader: false,
  owner: '',
  validUntil: '',
};

export function rosterOf(draft: EnrollDraft): Roster {
  return parseRoster(draft.rosterText, { header: draft.rosterHeader });
}

/** A problem the screen names next to its field (a translation key and its values). */
export interface DraftIssue {
  field: 'readers' | 'pattern' | 'roster' | 'validUntil';
  key: string;
  params?: Record<string, string | number>;
}

export function draftIssues(draft: EnrollDraft, roster: Roster): DraftIssue[] {
  const issues: DraftIssue[] = [];
  if (draft.readers.length === 0 && !draft.windowTyping)
    issues.push({ field: 'readers', key: 'cards.issue.noReader' });
  if (draft.labelMode === 'pattern' && draft.pattern.trim() === '')
    issues.push({ field: 'pattern', key: 'cards.issue.noPattern' });
  if (draft.labelMode === 'roster' && roster.names.length === 0)
    issues.push({ field: 'roster', key: 'cards.issue.noRoster' });
  if (draft.labelMode === 'roster' && roster.tooLong.length > 0)
    issues.push({ field: 'roster', key: 'cards.issue.rosterTooLong' });
  // A # in a name would read as a number pattern.
  const hashed = draft.labelMode === 'roster' ? roster.names.find((n) => n.includes('#')) : undefined;
  if (hashed) issues.push({ field: 'roster', key: 'cards.issue.rosterHash', params: { name: hashed } });
  if (draft.validUntil !== '') {
    if (!endOfDay(draft.validUntil)) issues.push({ field: 'validUntil', key: 'cards.issue.badDate' });
    else if (draft.validUntil < today()) issues.push({ field: 'validUntil', key: 'cards.issue.pastDate' });
  }
  return issues;
}
