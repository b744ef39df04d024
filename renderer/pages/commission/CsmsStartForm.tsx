// The form that starts the local CSMS: port, which network it listens on, wss:// for boxes at security
// profile 2, an optional basic-auth password (sealed in the vault), and who is admitted. Enter starts it.
// It opens with the settings it was last started with (kept by the core across reloads and restarts).
import { type FormEvent, useId, useRef, useState } from 'react';
import type { CsmsStatus } from '../../../main/ocpp/types.ts';
import type { CsmsSaved } from '../../../main/store/settings.ts';
import { useAction, useConnection, useQuery } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useFocusFirstError } from '../../components/focus-first-error.ts';
import { type Host, HostSelect, hosts } from '../../components/HostSelect.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export const DEFAULT_PORT = 9220;
/** Where the local CSMS's password is kept: one per laptop, replaced when a new one is typed. */
export const CSMS_PASSWORD = { purpose: 'csms-basic-auth', label: 'local-csms' } as const;

const isHost = (h: string): h is Host => (hosts as readonly string[]).includes(h);

export function CsmsStartForm({ onStarted }: { onStarted(status: CsmsStatus): void }) {
  const { t } = useI18n();
  const saved = useQuery('csms.saved', {}, []);
  if (saved.data === undefined && !saved.error) return <p className="hint">{t('csms.loading')}</p>;
  return <CsmsStartFields saved={saved.data ?? null} onStarted={onStarted} />;
}

function CsmsStartFields(props: { saved: CsmsSaved | null; onStarted(status: CsmsStatus): void }) {
  const { onStarted } = props;
  const last = props.saved;
  const { t } = useI18n();
  const api = useConnection();
  const [port, setPort] = useState(String(last?.port ?? DEFAULT_PORT));
  const [host, setHost] = useState<Host>(last && isHost(last.host) ? last.host : '0.0.0.0');
  const [admitUnexpected, setAdmitUnexpected] = useState(last?.admitUnexpected ?? false);
  const [expected, setExpected] = useState(last?.expected.join('\n') ?? '');
  const [tls, setTls] = useState(last?.tls ?? false);
  const [password, setPassword] = useState('');
  const [showPassword, setShowPassword] = useState(false);
  const [useSaved, setUseSaved] = useState(true);
  const secrets = useQuery('secrets.list', {}, ['secret']);
  const savedPassword = secrets.data?.find(
    (s) => s.purpose === CSMS_PASSWORD.purpose && s.label === CSMS_PASSWORD.label,
  );
  const { busy, error, run } = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, error);
  const id = useId();

  async function start(event: FormEvent) {
    event.preventDefault();
    const portNumber = port.trim() === '' ? Number.NaN : Number(port);
    const identities = expected
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    await run(async () => {
      // A typed password is sealed in the vault first; the CSMS only ever gets its id.
      const secretId =
        password !== ''
          ? (await api.call('secrets.put', { ...CSMS_PASSWORD, value: password })).id
          : useSaved
            ? savedPassword?.id
            : undefined;
      const status = await api.call('csms.start', {
        host,
        port: portNumber,
        admitUnexpected,
        expected: identities,
        tls,
        ...(secretId === undefined ? {} : { passwordSecretId: secretId }),
      });
      setPassword('');
      onStarted(status);
    });
  }

  return (
    <form ref={formRef} className="csms-form" onSubmit={start} noValidate data-testid="csms-start">
      <div className="field">
        <label htmlFor={`${id}-port`}>{t('csms.port')}</label>
        <input
          id={`${id}-port`}
          type="number"
          inputMode="numeric"
          min={1}
          max={65535}
          value={port}
          onChange={(e) => setPort(e.target.value)}
          disabled={busy}
          className="port"
        />
      </div>
      <HostSelect id={`${id}-host`} value={host} onChange={setHost} disabled={busy} />
      <div className="field checkbox">
        <input
          id={`${id}-tls`}
          type="checkbox"
          checked={tls}
          onChange={(e) => setTls(e.target.checked)}
          disabled={busy}
          data-testid="csms-tls"
        />
        <label htmlFor={`${id}-tls`}>{t('csms.tls')}</label>
      </div>
      <p className="hint field-help">{t('csms.tls.help')}</p>
      <div className="field">
        <label htmlFor={`${id}-password`}>{t('csms.password')}</label>
        <span className="password-input">
          <input
            id={`${id}-password`}
            type={showPassword ? 'text' : 'password'}
            autoComplete="new-password"
            spellCheck={false}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            disabled={busy}
            aria-describedby={`${id}-password-help`}
            data-testid="csms-password"
          />
          <button
            type="button"
            className="secondary"
            aria-pressed={showPassword}
            aria-controls={`${id}-password`}
            onClick={() => setShowPassword((v) => !v)}
            disabled={busy}
            data-testid="csms-password-show"
          >
            {showPassword ? t('csms.password.hide') : t('csms.password.show')}
          </button>
        </span>
        <p className="hint field-help" id={`${id}-password-help`}>
          {t('csms.password.help')}
        </p>
      </div>
      {savedPassword && password === '' && (
        <div className="field checkbox">
          <input
            id={`${id}-saved`}
            type="checkbox"
            checked={useSaved}
            onChange={(e) => setUseSaved(e.target.checked)}
            disabled={busy}
            data-testid="csms-password-saved"
          />
          <label htmlFor={`${id}-saved`}>{t('csms.password.saved')}</label>
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-expected`}>{t('csms.expected')}</label>
        <textarea
          id={`${id}-expected`}
          rows={3}
          value={expected}
          onChange={(e) => setExpected(e.target.value)}
          disabled={busy}
          data-testid="csms-expected"
        />
        <p className="hint field-help">{t('csms.expected.help')}</p>
      </div>
      <div className="field checkbox">
        <input
          id={`${id}-admit`}
          type="checkbox"
          checked={admitUnexpected}
          onChange={(e) => setAdmitUnexpected(e.target.checked)}
          disabled={busy}
        />
        <label htmlFor={`${id}-admit`}>{t('csms.admitUnexpected')}</label>
      </div>
      <p className="hint field-help">{t('csms.admitUnexpected.help')}</p>
      <button type="submit" disabled={busy}>
        {busy ? t('csms.starting') : t('csms.start')}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}
