// The first thing a new user sees on a page with nothing in it yet: what the page is for and the
// one next step to take. Text comes in as translation keys.
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

export function EmptyState({
  titleKey,
  bodyKey,
  children,
}: {
  titleKey: string;
  bodyKey: string;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <section className="empty-state" aria-label={t(titleKey)}>
      <h3>{t(titleKey)}</h3>
      <p>{t(bodyKey)}</p>
      {children}
    </section>
  );
}
