// The question asked before approving writes for boxes that are offline (one run or a fleet): what is
// offline, what that means, the ways on, and "Not now", which takes the focus as the safe answer.
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';

export function OfflineQuestion(props: {
  testId: string;
  title: ReactNode;
  help: string;
  /** The buttons that go on (approve anyway, approve only the online ones). */
  children: ReactNode;
  onBack(): void;
}) {
  const { t } = useI18n();
  const titleId = `${props.testId}-title`;
  return (
    <div className="notice" role="alertdialog" aria-labelledby={titleId} data-testid={props.testId}>
      <p id={titleId}>
        <strong>{props.title}</strong>
      </p>
      <p>{props.help}</p>
      <div className="toolbar">
        {props.children}
        {/* biome-ignore lint/a11y/noAutofocus: the question needs an answer; the safe one takes focus. */}
        <button type="button" className="secondary" autoFocus onClick={props.onBack}>
          {t('run.approveOffline.back')}
        </button>
      </div>
    </div>
  );
}
