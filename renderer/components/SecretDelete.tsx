// Deleting a stored secret asks first and says what breaks: a box's password or a company CSMS's
// credential is refused while they use it (the core refuses too); anything else is deleted on the second press.
import { useState } from 'react';
import type { SecretUsage } from '../../main/boxes/types.ts';
import { useAction, useConnection } from '../api/hooks.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { href } from '../routing/route.ts';
import { ErrorNotice } from './ErrorNotice.tsx';

export function SecretDelete({ id, label }: { id: number; label: string }) {
  const { t } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [usage, setUsage] = useState<SecretUsage | null>(null);

  const ask = () => void action.run(async () => setUsage(await api.call('secrets.usage', { id })));
  if (!usage)
    return (
      <>
        <button type="button" onClick={ask} disabled={action.busy} data-testid="secret-delete">
          {t('settings.secrets.delete')}
        </button>
        <ErrorNotice error={action.error} />
      </>
    );
  const remove = () => void action.run(() => api.call('secrets.delete', { id }));
  return (
    <div className="notice" role="alertdialog" aria-label={t('box.secret.delete.title', { label })}>
      <p>
        <strong>{t('box.secret.delete.title', { label })}</strong>
      </p>
      {usage.usedBy.length === 0 && <p data-testid="secret-breaks">{t('box.secret.delete.free')}</p>}
      {usage.usedBy.map((user) => (
        <p key={`${user.kind}-${user.name}`} data-testid="secret-breaks" data-kind={user.kind}>
          {user.kind === 'box' ? (
            <a href={href('boxes', user.name)}>{t('box.secret.delete.box', { name: user.name })}</a>
          ) : (
            t('box.secret.delete.connector', { name: user.name })
          )}
        </p>
      ))}
      <div className="toolbar">
        <button
          type="button"
          onClick={remove}
          disabled={action.busy || usage.usedBy.length > 0}
          data-testid="secret-delete-confirm"
        >
          {t('box.secret.delete.yes')}
        </button>
        <button type="button" className="secondary" onClick={() => setUsage(null)}>
          {t('box.secret.delete.no')}
        </button>
      </div>
      <ErrorNotice error={action.error} />
    </div>
  );
}
