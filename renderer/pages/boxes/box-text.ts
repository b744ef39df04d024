// Words for a box's state as stored in codes: its connection, its commissioning state with the reason
// of a failure, why a snapshot was taken. Shared by the list of boxes and the page of one box.
import type { BoxOverview } from '../../../main/boxes/types.ts';
import type { Translate } from '../../i18n/i18n.tsx';
import { timeText, wireError } from '../commission/run-text.ts';

export function connectionText(t: Translate, language: string, box: BoxOverview): string {
  const c = box.connection;
  if (c.state === 'offline')
    return c.since
      ? t('box.connection.offline', { since: timeText(language, c.since) })
      : t('box.connection.offlineNever');
  return t(`box.connection.${c.state}`, { since: timeText(language, c.since) });
}

export function commissioningText(t: Translate, box: BoxOverview): string {
  return t(`box.commissioning.${box.commissioning}`);
}

/** The reason of a failed (or cancelled) latest run, in the reader's language; '' when there is none. */
export function failureText(t: Translate, box: BoxOverview): string {
  const error = box.latestRun?.error;
  if (!error || box.commissioning !== 'failed') return '';
  const shown = wireError(error, t);
  return t(`error.${shown.code}.message`, shown.params);
}

/** The tool writes a snapshot's reason in English words; these are the ones it writes. */
export function snapshotReason(t: Translate, reason: string): string {
  if (reason === 'read') return t('box.snapshot.reason.read');
  if (reason === 'before a card push') return t('box.snapshot.reason.push');
  const run = /^before commissioning run (\d+)$/.exec(reason);
  if (run) return t('box.snapshot.reason.run', { run: run[1] ?? '' });
  const back = /^after putting back run (\d+)$/.exec(reason);
  if (back) return t('box.snapshot.reason.putBack', { run: back[1] ?? '' });
  return t('box.snapshot.reason.other');
}
