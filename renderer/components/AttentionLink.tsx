// The header's pointer to runs that need someone (a plan waiting for approval, a failed run, a box that
// left without a confirmation): one run links to itself, the runs of one fleet to that fleet, several others
// to the list of boxes, none shows nothing.
import { useAttention } from '../api/box-hooks.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { href } from '../routing/route.ts';

export function AttentionLink() {
  const { t } = useI18n();
  const { data } = useAttention();
  if (!data || data.length === 0) return null;
  const [only] = data;
  // Runs of one fleet go to that fleet: its combined plan (one approval) or its result.
  const fleetId = only?.fleetId ?? null;
  const oneFleet = data.length > 1 && fleetId !== null && data.every((r) => r.fleetId === fleetId);
  const target =
    data.length === 1 && only
      ? href('boxes', only.identity, 'runs', String(only.id))
      : oneFleet
        ? href('commission', 'fleets', fleetId)
        : href('boxes');
  return (
    <a
      className="badge badge-lobby attention"
      href={target}
      title={t('runs.attention.help')}
      data-testid="attention"
      data-count={data.length}
    >
      {t('runs.attention', { count: data.length })}
    </a>
  );
}
