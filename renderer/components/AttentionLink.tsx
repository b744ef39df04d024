// The header's pointer to runs that need someone (a plan waiting for approval, a failed run, a box that
// left without a confirmation): one run links to itself, several to the list of boxes, none shows nothing.
import { useAttention } from '../api/box-hooks.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { href } from '../routing/route.ts';

export function AttentionLink() {
  const { t } = useI18n();
  const { data } = useAttention();
  if (!data || data.length === 0) return null;
  const [only] = data;
  const target =
    data.length === 1 && only ? href('boxes', only.identity, 'runs', String(only.id)) : href('boxes');
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
