// How the card screens write a card's values: the UID in byte pairs, dates in the reader's language,
// and the end of a chosen day as the instant a card stops being valid.
import type { Language } from '../../../locales/translate.ts';

/** The id the window's typing fallback taps with: a reader that is the focused window itself. */
export const WINDOW_WEDGE = 'window-wedge';

/**
 * A reader id as a person reads it: the window's typing and typed UIDs in words, a listed reader by its
 * label, any other by its port or name without the kind prefix ("serial:/dev/ttyUSB0" → /dev/ttyUSB0).
 */
export function readerText(
  id: string,
  t: (key: string) => string,
  readers: ReadonlyArray<{ id: string; label: string }> = [],
): string {
  if (id === WINDOW_WEDGE || id === 'window') return t('cards.reader.window.short');
  if (id === 'typed') return t('cards.source.typed');
  return readers.find((r) => r.id === id)?.label ?? id.replace(/^(pcsc|hid|serial|wedge):/, '');
}

/** "04A1B2C3" → "04 A1 B2 C3": easier to compare with a card's print or a box's log by eye. */
export function uidPairs(hex: string): string {
  return hex.replace(/(..)(?=.)/g, '$1 ');
}

/** A stored instant as a date in the UI's language; empty for none. */
export function dateText(iso: string | null | undefined, language: Language): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString(language === 'de' ? 'de-DE' : 'en-GB', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}

/** A time of day for the batch table ("14:03:27"). */
export function timeText(iso: string, language: Language): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString(language === 'de' ? 'de-DE' : 'en-GB');
}

/** The value of a date field ("2026-12-31") as the last moment of that day, local time, in ISO 8601. */
export function endOfDay(day: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Today as a date field value, local time: the earliest validity that makes sense. */
export function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
