// Where the box stands at each company CSMS set up here, as the run left it right before its reset: has it,
// waits in the outbox (and why), or takes stations by hand. Shared by the run view and the report.
import type { ErrorCode } from '../../../main/api/errors.ts';
import type { CsmsRegistration } from '../../../main/commissioning/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export function RegistrationList({ registration }: { registration: CsmsRegistration[] }) {
  const { t, describe } = useI18n();
  if (registration.length === 0) return null;
  return (
    <div data-testid="registration">
      <h4>{t('run.registration.title')}</h4>
      <ul>
        {registration.map((r) => (
          <li key={r.csms} data-state={r.state} className={r.state === 'done' ? undefined : 'outcome bad'}>
            {t(`cli.commission.registration.${r.state}`, {
              csms: r.csms,
              reason: r.error
                ? describe({
                    code: r.error.code as ErrorCode,
                    params: r.error.params,
                    message: '',
                    remedy: '',
                    fields: [],
                  }).message
                : '',
            })}
          </li>
        ))}
      </ul>
    </div>
  );
}
