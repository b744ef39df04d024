// The eight steps of a run as an ordered list, each with its state in words and a mark, so the
// electrician sees at a glance how far the box has come and where it stopped.
import type { StepRecord } from '../../../main/commissioning/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const marks: Record<StepRecord['status'], string> = {
  pending: '○',
  running: '◐',
  done: '✓',
  failed: '✗',
  skipped: '–',
};

export function StepList({ steps }: { steps: StepRecord[] }) {
  const { t } = useI18n();
  return (
    <ol className="steps" data-testid="steps">
      {steps.map((s) => (
        <li key={s.step} data-step={s.step} data-status={s.status} className={`step step-${s.status}`}>
          <span className="mark" aria-hidden="true">
            {marks[s.status]}
          </span>
          <span className="step-name">{t(`run.step.${s.step}`)}</span>
          <span className="step-status">{t(`run.ui.step.${s.status}`)}</span>
        </li>
      ))}
    </ol>
  );
}
