// Where a card or a station stands at each company CSMS, on its row: "confirmed at SteVe 14:03:12",
// "waiting: …" or "failed: …", from the outbox and never more than the tool saw. Nothing without a CSMS.
import { useEffect, useState } from 'react';
import type { SyncState } from '../../main/csms/sync-states.ts';
import { useConnection } from '../api/hooks.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { jobErrorText } from './job-error.ts';
import { loadSyncStates, type SyncSubject } from './sync-states.ts';

const WATCHED = new Set(['sync', 'card', 'station']);

export function SyncBadge(props: SyncSubject) {
  const { t, describe, language } = useI18n();
  const api = useConnection();
  const [states, setStates] = useState<SyncState[]>([]);
  const subject = JSON.stringify(props);
  useEffect(() => {
    let live = true;
    const load = () =>
      loadSyncStates(api, JSON.parse(subject) as SyncSubject).then(
        (s) => live && setStates(s),
        () => undefined,
      );
    void load();
    const off = api.on('data.changed', (e) => WATCHED.has(e.entity) && void load());
    return () => {
      live = false;
      off();
    };
  }, [api, subject]);
  if (states.length === 0) return null;
  const reason = (s: SyncState) => jobErrorText(describe, s.error, t('sync.badge.notSent'));
  const text = (s: SyncState) => {
    const time = new Date(s.at).toLocaleString(language);
    if (s.state === 'done' && s.handedOverByFile) return t('sync.badge.handedOver', { csms: s.csms, time });
    if (s.state === 'done') return t('sync.badge.confirmed', { csms: s.csms, time });
    if (s.state === 'failed') return t('sync.badge.failed', { csms: s.csms, reason: reason(s) });
    if (s.state === 'conflict') return t('sync.badge.conflict', { csms: s.csms });
    if (s.state === 'manual') return t('sync.badge.manual', { csms: s.csms });
    return t('sync.badge.waiting', { csms: s.csms, reason: reason(s) });
  };
  return (
    <ul className="sync-badges" data-testid="sync-badge">
      {states.map((s) => (
        <li key={s.csms} data-state={s.state} className={`badge badge-sync-${s.state}`}>
          {text(s)}
        </li>
      ))}
    </ul>
  );
}
