// The end of a small edit form: Save (stays focusable while busy), Cancel, and the refusal in words,
// so every edit form (a card, a group) ends the same way.
import type { Action } from '../api/hooks.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';

export function SaveCancel(props: { saveKey: string; action: Action; onCancel(): void; testId: string }) {
  const { t } = useI18n();
  return (
    <>
      <div className="toolbar">
        <button type="submit" aria-disabled={props.action.busy} data-testid={props.testId}>
          {t(props.saveKey)}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          {t('cards.edit.cancel')}
        </button>
      </div>
      <ErrorNotice error={props.action.error} />
    </>
  );
}
