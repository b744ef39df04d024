// The pre-flight findings stored with a run (state.preflight: run by themselves after the reset, or from
// the box page): each check with its result and, for a failed one, its remedy. Run view and printable report.
import type { RunState } from '../../../main/commissioning/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export function PreflightList({ lines }: { lines: NonNullable<RunState['preflight']> }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="run-preflight-heading" data-testid="run-preflight">
      <h4 id="run-preflight-heading">{t('run.preflight.title')}</h4>
      <p className="hint">{t('run.preflight.note')}</p>
      <ul className="preflight-results">
        {lines.map((line) => (
          <li key={line.check} data-status={line.status}>
            <strong>
              {t(`preflight.status.${line.status}`)}: {line.check}
            </strong>{' '}
            {line.detail}
          </li>
        ))}
      </ul>
    </section>
  );
}
