// A box's state in one word and colour: connected, offline, waiting in the lobby, or only known
// from before. Used by the boxes table and the box picker alike.
import type { BoxRow } from '../api/ocpp-hooks.ts';
import { useI18n } from '../i18n/i18n.tsx';

type BadgeState = 'connected' | 'offline' | 'lobby' | 'known';

export function boxState(row: BoxRow): BadgeState {
  if (!row.live) return 'known';
  if (!row.admitted) return 'lobby';
  return row.state;
}

export function BoxStateBadge({ row }: { row: BoxRow }) {
  const { t } = useI18n();
  const state = boxState(row);
  const look = state === 'known' ? 'offline' : state;
  return <span className={`badge badge-${look}`}>{t(`boxes.state.${state}`)}</span>;
}
