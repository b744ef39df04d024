// The proxy on the Diagnose page: relay boxes to their company CSMS, see who is relayed and whether the
// CSMS side is up, read each box's trace with the side of every frame, and send read-only calls into it.
import { type FormEvent, useEffect, useId, useState } from 'react';
import type { ProxyCallResult } from '../../../main/ocpp/proxy/relay.ts';
import { useAction, useConnection, useQuery } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { type Host, HostSelect } from '../../components/HostSelect.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { examplePayload, parsePayload, readOnlyCalls } from './proxy-calls.ts';
import { TraceView } from './TraceView.tsx';

const POLL_MS = 2000;

function StartForm({ onStarted }: { onStarted(): void }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const [upstream, setUpstream] = useState('');
  const [host, setHost] = useState<Host>('0.0.0.0');
  const [port, setPort] = useState('9230');
  const [tls, setTls] = useState(false);
  const [ca, setCa] = useState('');
  const action = useAction();

  async function start(event: FormEvent) {
    event.preventDefault();
    if (action.busy) return;
    const done = await action.run(() =>
      api.call('proxy.start', {
        upstream,
        host,
        port: Number(port),
        tls,
        ...(ca.trim() ? { caCertificate: ca } : {}),
      }),
    );
    if (done) onStarted();
  }

  return (
    <form onSubmit={start} data-testid="proxy-start">
      <div className="field">
        <label htmlFor={`${id}-up`}>{t('proxy.ui.upstream')}</label>
        <input
          id={`${id}-up`}
          value={upstream}
          onChange={(e) => setUpstream(e.target.value)}
          placeholder="wss://csms.example.com/ocpp"
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <HostSelect id={`${id}-host`} value={host} onChange={setHost} />
      <div className="field">
        <label htmlFor={`${id}-port`}>{t('csms.port')}</label>
        <input
          id={`${id}-port`}
          inputMode="numeric"
          value={port}
          onChange={(e) => setPort(e.target.value)}
          autoComplete="off"
        />
      </div>
      <div className="field">
        <label>
          <input type="checkbox" checked={tls} onChange={(e) => setTls(e.target.checked)} />{' '}
          {t('proxy.ui.tls')}
        </label>
      </div>
      <div className="field">
        <label htmlFor={`${id}-ca`}>{t('proxy.ui.ca')}</label>
        <textarea
          id={`${id}-ca`}
          rows={3}
          value={ca}
          onChange={(e) => setCa(e.target.value)}
          placeholder="-----BEGIN CERTIFICATE-----"
          spellCheck={false}
        />
      </div>
      <button type="submit" aria-disabled={action.busy}>
        {action.busy ? t('proxy.ui.starting') : t('proxy.ui.start')}
      </button>
      <ErrorNotice error={action.error} />
    </form>
  );
}

function ProxyCall({ identity, protocol }: { identity: string; protocol: string }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const actions = readOnlyCalls(protocol);
  const [callAction, setCallAction] = useState(actions[0] ?? 'TriggerMessage');
  const [payload, setPayload] = useState(examplePayload(callAction));
  const [invalid, setInvalid] = useState(false);
  const [answer, setAnswer] = useState<ProxyCallResult | null>(null);
  const action = useAction();

  async function send(event: FormEvent) {
    event.preventDefault();
    if (action.busy) return;
    const parsed = parsePayload(payload);
    setInvalid(parsed === null);
    if (parsed === null) return;
    setAnswer(null);
    await action.run(async () => {
      setAnswer(await api.call('proxy.call', { identity, action: callAction, payload: parsed }));
    });
  }

  return (
    <form onSubmit={send} data-testid="proxy-call">
      <h4>{t('proxy.ui.call.title', { identity })}</h4>
      <p className="hint">{t('proxy.ui.call.hint')}</p>
      <div className="field">
        <label htmlFor={`${id}-action`}>{t('proxy.ui.call.action')}</label>
        <select
          id={`${id}-action`}
          value={callAction}
          onChange={(e) => {
            setCallAction(e.target.value);
            setPayload(examplePayload(e.target.value));
          }}
        >
          {actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-payload`}>{t('proxy.ui.call.payload')}</label>
        <textarea
          id={`${id}-payload`}
          rows={4}
          value={payload}
          onChange={(e) => setPayload(e.target.value)}
          spellCheck={false}
          aria-invalid={invalid}
        />
      </div>
      {invalid && (
        <p className="error-notice" role="alert">
          {t('proxy.ui.call.payloadInvalid')}
        </p>
      )}
      <button type="submit" aria-disabled={action.busy} data-testid="proxy-call-send">
        {action.busy ? t('proxy.ui.call.sending') : t('proxy.ui.call.send')}
      </button>
      <ErrorNotice error={action.error} />
      {answer && (
        <div data-testid="proxy-answer">
          <p>
            {answer.error
              ? t('proxy.ui.call.error', { code: answer.error.code, description: answer.error.description })
              : t('proxy.ui.call.answered', { action: answer.action })}
          </p>
          {answer.result && <pre className="frame-json">{JSON.stringify(answer.result, null, 2)}</pre>}
        </div>
      )}
    </form>
  );
}

export function ProxyPanel() {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const status = useQuery('proxy.status', {}, []);
  const stop = useAction();
  const [picked, setPicked] = useState<string | null>(null);
  const running = status.data?.running === true;
  const { reload } = status;

  // The core sends no event for relayed boxes: while relaying, the status is asked for again.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [running, reload]);

  const boxes = status.data?.boxes ?? [];
  const chosen = boxes.find((b) => b.identity === picked) ?? boxes[0];

  return (
    <section aria-labelledby={`${id}-heading`} data-testid="proxy-panel">
      <h3 id={`${id}-heading`}>{t('proxy.ui.title')}</h3>
      <p className="hint">{t('proxy.ui.intro')}</p>
      <ErrorNotice error={status.error} />
      {status.data && !running && <StartForm onStarted={reload} />}
      {status.data && running && (
        <>
          <p data-testid="proxy-state">
            {t('proxy.ui.running', { upstream: status.data.upstream ?? '', port: status.data.port ?? 0 })}
          </p>
          <p className="hint">{t('proxy.ui.urls')}</p>
          <ul data-testid="proxy-urls">
            {status.data.urls.map((u) => (
              <li key={u}>
                <code>{u}</code>
              </li>
            ))}
          </ul>
          {status.data.tls && (
            <p className="hint">{t('proxy.ui.tlsCa', { fingerprint: status.data.tls.caFingerprint })}</p>
          )}
          <button
            type="button"
            className="secondary"
            aria-disabled={stop.busy}
            data-testid="proxy-stop"
            onClick={() => !stop.busy && void stop.run(() => api.call('proxy.stop', {})).then(reload)}
          >
            {t('proxy.ui.stop')}
          </button>
          <ErrorNotice error={stop.error} />
          <p data-testid="proxy-count">{t('proxy.ui.boxes', { count: boxes.length })}</p>
          {boxes.length > 0 && (
            <div className="table-scroll">
              <table data-testid="proxy-boxes">
                <thead>
                  <tr>
                    <th scope="col">{t('proxy.ui.box')}</th>
                    <th scope="col">{t('proxy.ui.protocol')}</th>
                    <th scope="col">{t('proxy.ui.upstreamState')}</th>
                    <th scope="col">{t('proxy.ui.boot')}</th>
                    <th scope="col">{t('proxy.ui.show')}</th>
                  </tr>
                </thead>
                <tbody>
                  {boxes.map((b) => (
                    <tr key={b.identity} data-testid={`proxy-box-${b.identity}`}>
                      <td>{b.identity}</td>
                      <td>{b.protocol.replace(/^ocpp/, '')}</td>
                      <td>{b.csmsConnected ? t('proxy.ui.csmsUp') : t('proxy.ui.csmsDown')}</td>
                      <td>{b.bootStatus ?? '—'}</td>
                      <td>
                        <button
                          type="button"
                          className="secondary"
                          aria-pressed={chosen?.identity === b.identity}
                          data-testid={`proxy-show-${b.identity}`}
                          onClick={() => setPicked(b.identity)}
                        >
                          {t('proxy.ui.showBox', { identity: b.identity })}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {chosen && (
        <div data-testid="proxy-session">
          <ProxyCall key={`call-${chosen.identity}`} identity={chosen.identity} protocol={chosen.protocol} />
          <TraceView key={`proxy-trace-${chosen.identity}`} box={chosen.identity} offerPlaces={false} />
        </div>
      )}
    </section>
  );
}
