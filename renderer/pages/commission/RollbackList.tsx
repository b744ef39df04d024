// After a failed run: each value the run had written, whether it was put back (read back) or kept,
// and what the box does with what it holds at its next restart. Shared by the run view and the report.
import { rollbackLine } from '../../../main/commissioning/rollback-text.ts';
import type { RollbackState } from '../../../main/commissioning/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export function RollbackList({ rollback }: { rollback: RollbackState }) {
  const { t } = useI18n();
  return (
    <div data-testid="rollback" data-next-reboot={rollback.nextReboot}>
      <h4>{t('rollback.title')}</h4>
      <ul>
        {rollback.entries.map((e) => {
          const line = rollbackLine(e);
          return (
            <li key={e.key} data-outcome={e.outcome}>
              {t(line.key, line.params)}
            </li>
          );
        })}
      </ul>
      <p className={rollback.nextReboot === 'as-before' ? 'notice' : 'outcome bad'}>
        {t(`rollback.next.${rollback.nextReboot}`)}
      </p>
    </div>
  );
}
