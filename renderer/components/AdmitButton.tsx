// Lets a box out of the lobby: the user has checked it is the box they mean to work on. Errors
// (it went offline meanwhile) show next to the button.
import { useAction, useConnection } from '../api/hooks.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';

export function AdmitButton({ identity }: { identity: string }) {
  const { t } = useI18n();
  const api = useConnection();
  const { busy, error, run } = useAction();

  const admit = () => run(() => api.call('boxes.admit', { identity }));

  return (
    <>
      <button
        type="button"
        onClick={() => void admit()}
        disabled={busy}
        aria-label={t('boxes.admit.label', { identity })}
        data-testid={`admit-${identity}`}
      >
        {t('boxes.admit')}
      </button>
      <ErrorNotice error={error} />
    </>
  );
}
