// Settings: the language, where the data lives, the stored credentials (names only, never values)
// and the latest audit entries, so a user can see what the tool changed and when.
import { useState } from 'react';
import type { Language } from '../../locales/translate.ts';
import { languages } from '../../locales/translate.ts';
import type { SecretInfo } from '../../main/api/types.ts';
import { useAction, useConnection, useQuery } from '../api/hooks.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { SecretDelete } from '../components/SecretDelete.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { knownText } from '../i18n/known-text.ts';

/** One stored credential: its name, Delete, and for a box's OCPP password a Show the user asks for. */
function SecretRow({ secret }: { secret: SecretInfo }) {
  const { t } = useI18n();
  const api = useConnection();
  const { error, run } = useAction();
  const [shown, setShown] = useState<string>();
  const reveal = () => run(async () => setShown((await api.call('secrets.reveal', { id: secret.id })).value));
  return (
    <li data-testid={`secret-${secret.label}`}>
      {secret.purpose}: {secret.label}{' '}
      {secret.purpose === 'ocpp-basic-auth' &&
        (shown === undefined ? (
          <button type="button" onClick={() => void reveal()}>
            {t('settings.secrets.show')}
          </button>
        ) : (
          <>
            <code data-testid="secret-value">{shown}</code>{' '}
            <button type="button" onClick={() => setShown(undefined)}>
              {t('settings.secrets.hide')}
            </button>
            <span className="hint"> {t('settings.secrets.shown')}</span>
          </>
        ))}{' '}
      <SecretDelete id={secret.id} label={secret.label} />
      <ErrorNotice error={error} />
    </li>
  );
}

export function SettingsPage() {
  const { t, language, setLanguage } = useI18n();
  const info = useQuery('app.info', {}, []);
  const secrets = useQuery('secrets.list', {}, ['secret']);
  const audit = useQuery('audit.list', { limit: 20 }, [
    'site',
    'group',
    'card',
    'station',
    'secret',
    'settings',
  ]);

  return (
    <div className="page">
      <ErrorNotice error={info.error ?? secrets.error ?? audit.error} />
      <section aria-labelledby="language-heading">
        <h3 id="language-heading">{t('settings.language')}</h3>
        <label htmlFor="language-select">{t('settings.language.label')}</label>
        <select
          id="language-select"
          data-testid="language-select"
          value={language}
          onChange={(e) => void setLanguage(e.target.value as Language)}
        >
          {languages.map((l) => (
            <option key={l} value={l}>
              {t(`language.${l}`)}
            </option>
          ))}
        </select>
      </section>
      <section aria-labelledby="about-heading">
        <h3 id="about-heading">{t('settings.about')}</h3>
        {info.data && (
          <dl data-testid="about">
            <dt>{t('settings.version')}</dt>
            <dd>{info.data.version}</dd>
            <dt>{t('settings.dataDir')}</dt>
            <dd>
              <code>{info.data.dataDir}</code>
            </dd>
            <dt>{t('settings.vaultKey')}</dt>
            <dd>{t(`settings.vaultKey.${info.data.vaultKey}`)}</dd>
          </dl>
        )}
      </section>
      <section aria-labelledby="secrets-heading">
        <h3 id="secrets-heading">{t('settings.secrets')}</h3>
        {secrets.data?.length === 0 ? (
          <p className="hint">{t('settings.secrets.empty')}</p>
        ) : (
          <ul>
            {secrets.data?.map((s) => (
              <SecretRow key={s.id} secret={s} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="audit-heading">
        <h3 id="audit-heading">{t('settings.audit')}</h3>
        {audit.data?.length === 0 ? (
          <p className="hint">{t('settings.audit.empty')}</p>
        ) : (
          <ol className="audit" data-testid="audit">
            {audit.data?.map((entry) => (
              <li key={entry.id}>
                <time dateTime={entry.at}>{new Date(entry.at).toLocaleString(language)}</time> {entry.actor}{' '}
                <span data-action={entry.action}>{knownText(t, 'audit.action', entry.action)}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
