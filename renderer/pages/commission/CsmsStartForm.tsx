// The form that starts the local CSMS: port, which network it listens on, and whether boxes nobody
// expected are admitted at once or wait in the lobby. Enter starts it.
import { type FormEvent, useId, useState } from 'react';
import type { CsmsStatus } from '../../../main/ocpp/types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export const DEFAULT_PORT = 9220;
const hosts = ['0.0.0.0', '127.0.0.1'] as const;
type Host = (typeof hosts)[number];

export function CsmsStartForm({ onStarted }: { onStarted(status: CsmsStatus): void }) {
  const { t } = useI18n();
  const api = useConnection();
  const [port, setPort] = useState(String(DEFAULT_PORT));
  const [host, setHost] = useState<Host>('0.0.0.0');
  const [admitUnexpected, setAdmitUnexpected] = useState(false);
  const [expected, setExpected] = useState('');
  const { busy, error, run } = useAction();
  const id = useId();

  async function start(event: FormEvent) {
    event.preventDefault();
    const portNumber = port.trim() === '' ? Number.NaN : Number(port);
    const identities = expected
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    await run(async () =>
      onStarted(
        await api.call('csms.start', { host, port: portNumber, admitUnexpected, expected: identities }),
      ),
    );
  }

  return (
    <form className="csms-form" onSubmit={start} noValidate data-testid="csms-start">
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
      <div className="field">
        <label htmlFor={`${id}-host`}>{t('csms.host')}</label>
        <select
          id={`${id}-host`}
          value={host}
          onChange={(e) => setHost(e.target.value as Host)}
          disabled={busy}
        >
          {hosts.map((h) => (
            <option key={h} value={h}>
              {t(`csms.host.${h === '0.0.0.0' ? 'all' : 'local'}`)}
            </option>
          ))}
        </select>
      </div>
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
