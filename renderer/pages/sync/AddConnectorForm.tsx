// Sets up a company CSMS from the app: its kind, a name, its address, the API user where the kind has one,
// and the password or token (sealed in the vault by the core, never shown again). Enter adds it.
import { type FormEvent, useId, useRef, useState } from 'react';
import type { ConnectorKind } from '../../../main/csms/connector.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { issuesFor } from '../../components/FieldIssues.tsx';
import { useFocusFirstError } from '../../components/focus-first-error.ts';
import { TextField } from '../../components/TextField.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

/** The kinds offered, most used first (the renderer takes only types from main/; the type keeps it whole). */
const kinds = ['steve', 'citrineos', 'ocpi', 'maeve', 'file'] as const satisfies readonly ConnectorKind[];

export function AddConnectorForm(props: { onAdded(): void }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const { busy, error, run } = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, error);
  const [kind, setKind] = useState<ConnectorKind>('steve');
  const [name, setName] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [user, setUser] = useState('');
  const [secret, setSecret] = useState('');
  const [countryCode, setCountryCode] = useState('');
  const [partyId, setPartyId] = useState('');
  // OCPI and MaEVe tokens carry the eMSP's party (country code and party id); the OCPI file shape too.
  const needsParty = kind === 'ocpi' || kind === 'maeve' || kind === 'file';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.call('sync.add', {
        kind,
        name,
        baseUrl,
        ...(user.trim() === '' ? {} : { user }),
        ...(secret === '' ? {} : { credential: secret }),
        ...(needsParty && countryCode.trim() !== '' ? { countryCode: countryCode.trim().toUpperCase() } : {}),
        ...(needsParty && partyId.trim() !== '' ? { partyId: partyId.trim().toUpperCase() } : {}),
      });
      setName('');
      setBaseUrl('');
      setUser('');
      setSecret('');
      props.onAdded();
    });
  };

  return (
    <form
      ref={formRef}
      onSubmit={submit}
      className="sync-add"
      data-testid="sync-add"
      aria-labelledby={`${id}-title`}
    >
      <h3 id={`${id}-title`}>{t('sync.add.title')}</h3>
      <div className="field">
        <label htmlFor={`${id}-kind`}>{t('sync.add.kind')}</label>
        <select
          id={`${id}-kind`}
          value={kind}
          onChange={(e) => setKind(e.target.value as ConnectorKind)}
          disabled={busy}
          data-testid="sync-add-kind"
        >
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`sync.add.kind.${k}`)}
            </option>
          ))}
        </select>
      </div>
      <TextField
        label={t('sync.add.name')}
        value={name}
        onChange={setName}
        issues={issuesFor(error, ['name'])}
        disabled={busy}
        testId="sync-add-name"
      />
      <TextField
        label={t('sync.add.url')}
        help={t(`sync.add.url.help.${kind}`)}
        value={baseUrl}
        onChange={setBaseUrl}
        issues={issuesFor(error, ['baseUrl'])}
        type="url"
        disabled={busy}
        testId="sync-add-url"
      />
      <TextField
        label={t('sync.add.user')}
        value={user}
        onChange={setUser}
        issues={issuesFor(error, ['user'])}
        disabled={busy}
        testId="sync-add-user"
      />
      {needsParty && (
        <>
          <TextField
            label={t('sync.add.country')}
            value={countryCode}
            onChange={setCountryCode}
            issues={issuesFor(error, ['countryCode'])}
            disabled={busy}
            testId="sync-add-country"
          />
          <TextField
            label={t('sync.add.party')}
            value={partyId}
            onChange={setPartyId}
            issues={issuesFor(error, ['partyId'])}
            disabled={busy}
            testId="sync-add-party"
          />
        </>
      )}
      <div className="field">
        <label htmlFor={`${id}-secret`}>{t('sync.add.secret')}</label>
        <input
          id={`${id}-secret`}
          type="password"
          autoComplete="new-password"
          spellCheck={false}
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          disabled={busy}
          aria-describedby={`${id}-secret-help`}
          data-testid="sync-add-secret"
        />
        <p className="hint field-help" id={`${id}-secret-help`}>
          {t('sync.add.secret.help')}
        </p>
      </div>
      <button type="submit" disabled={busy} data-testid="sync-add-submit">
        {t('sync.add.submit')}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}
