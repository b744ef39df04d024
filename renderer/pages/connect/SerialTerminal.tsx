// The raw serial terminal (support): open a port, send lines (line ending, hex bytes, RAPI checksum and
// sequence id, secret), and read what came back with its hex. The lines shown are the trace's own frames.
import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { rapiChecksum } from '../../../main/drivers/openevse/rapi-frame.ts';
import type { TerminalInfo } from '../../../main/drivers/serial/terminal-session.ts';
import { useAction, useConnection, useQuery } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { CheckField, SelectField } from '../../components/SelectField.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { knownText } from '../../i18n/known-text.ts';
import { useTrace } from '../diagnose/use-trace.ts';
import { baudRates } from './modbus-browse.ts';

/** Lines drawn at most; the trace keeps them all. */
const SHOWN = 200;
const endings = ['cr', 'lf', 'crlf', 'none'] as const;
type Ending = (typeof endings)[number];

/** What goes out for a typed RAPI line (the core adds the same checksum; the sequence id is its own). */
function rapiPreview(text: string): string {
  const body = text.trim().replace(/\^[0-9A-Fa-f]{2}$/, '');
  return `${body}^${rapiChecksum(body)}`;
}

function TerminalLog(props: { identity: string; hex: boolean }) {
  const { t } = useI18n();
  const { items } = useTrace(props.identity);
  const shown = useMemo(() => items.slice(-SHOWN), [items]);
  const words = { in: t('support.terminal.received'), out: t('support.terminal.sent') };
  return (
    <div
      className="terminal-log"
      data-testid="terminal-log"
      role="log"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling log is reached by keyboard to scroll it
      tabIndex={0}
      aria-label={t('support.terminal.log')}
    >
      {shown.length === 0 ? (
        <p className="hint">{t('support.terminal.empty')}</p>
      ) : (
        <ol>
          {shown.map(({ seq, frame }) => {
            if (frame.kind !== 'serial' || frame.direction === 'event')
              return (
                <li key={seq} className="terminal-line terminal-event" data-kind={frame.kind}>
                  {knownText(t, 'trace.kinds', frame.kind)}
                </li>
              );
            const line = JSON.parse(frame.frame) as { text?: string; hex?: string };
            return (
              <li
                key={seq}
                className={`terminal-line terminal-${frame.direction}`}
                data-direction={frame.direction}
              >
                <span className="terminal-dir">{words[frame.direction]}</span>{' '}
                <code className="terminal-text">{line.text ?? ''}</code>
                {props.hex && <code className="terminal-hex">{line.hex ?? ''}</code>}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

function SendForm(props: { session: TerminalInfo }) {
  const { t } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [text, setText] = useState('');
  const [ending, setEnding] = useState<Ending>('cr');
  const [hex, setHex] = useState(false);
  const [rapi, setRapi] = useState(false);
  const [sequence, setSequence] = useState(false);
  const [secret, setSecret] = useState(false);

  const send = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      await api.call('serial.send', {
        session: props.session.session,
        text,
        hex,
        lineEnding: ending,
        rapi: rapi && !hex,
        sequence: rapi && sequence && !hex,
        secret,
      });
      setText('');
    });
  };

  return (
    <form onSubmit={send} data-testid="terminal-send-form">
      <div className="toolbar">
        <TextField
          label={t('support.terminal.line')}
          value={text}
          onChange={setText}
          issues={[]}
          testId="terminal-line"
        />
        <button type="submit" disabled={action.busy} data-testid="terminal-send">
          {t('support.terminal.send')}
        </button>
      </div>
      <div className="toolbar">
        <SelectField<Ending>
          label={t('support.terminal.ending')}
          value={ending}
          options={endings.map((e) => ({ value: e, text: t(`support.terminal.ending.${e}`) }))}
          onChange={setEnding}
          testId="terminal-ending"
        />
        <CheckField
          label={t('support.terminal.asHex')}
          checked={hex}
          onChange={setHex}
          testId="terminal-hex-bytes"
        />
        <CheckField
          label={t('support.terminal.rapi')}
          checked={rapi}
          onChange={setRapi}
          testId="terminal-rapi"
        />
        {rapi && (
          <CheckField
            label={t('support.terminal.sequence')}
            checked={sequence}
            onChange={setSequence}
            testId="terminal-sequence"
          />
        )}
        <CheckField
          label={t('support.terminal.secret')}
          checked={secret}
          onChange={setSecret}
          testId="terminal-secret"
        />
      </div>
      {rapi && !hex && text.trim() !== '' && (
        <p className="hint" data-testid="terminal-preview">
          {t(sequence ? 'support.terminal.previewSequence' : 'support.terminal.preview', {
            line: rapiPreview(text),
          })}
        </p>
      )}
      <ErrorNotice error={action.error} />
    </form>
  );
}

export function SerialTerminal() {
  const { t } = useI18n();
  const id = useId();
  const api = useConnection();
  const catalog = useQuery('drivers.catalog', {}, []);
  const action = useAction();
  const [path, setPath] = useState('');
  const [baud, setBaud] = useState('115200');
  const [profile, setProfile] = useState('');
  const [showHex, setShowHex] = useState(true);
  const [session, setSession] = useState<TerminalInfo>();

  // Leaving the page lets go of the port, so the Connect form (or another tool) can open it.
  useEffect(() => {
    if (!session) return;
    return () => {
      api.call('serial.close', { session: session.session }).catch(() => undefined);
    };
  }, [api, session]);

  const open = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      setSession(
        await api.call('serial.open', {
          path: path.trim(),
          baudRate: Number(baud),
          ...(profile ? { profile } : {}),
        }),
      );
    });
  };
  const close = () =>
    void action.run(async () => {
      if (session) await api.call('serial.close', { session: session.session });
      setSession(undefined);
    });

  return (
    <section aria-labelledby={`${id}-title`} className="serial-terminal" data-testid="serial-terminal">
      <h4 id={`${id}-title`}>{t('support.terminal.title')}</h4>
      {session ? (
        <div className="toolbar">
          <p className="hint" data-testid="terminal-open">
            {t('support.terminal.opened', {
              path: session.path,
              baud: session.baudRate,
              identity: session.identity,
            })}
          </p>
          <button type="button" className="secondary" onClick={close} data-testid="terminal-close">
            {t('support.terminal.close')}
          </button>
        </div>
      ) : (
        <form onSubmit={open} className="toolbar">
          <TextField
            label={t('support.port')}
            value={path}
            onChange={setPath}
            issues={[]}
            testId="terminal-port"
          />
          <SelectField
            label={t('support.baud')}
            value={baud}
            options={baudRates.map((b) => ({ value: String(b), text: String(b) }))}
            onChange={setBaud}
            testId="terminal-baud"
          />
          <SelectField
            label={t('support.terminal.profile')}
            value={profile}
            options={[
              { value: '', text: t('support.terminal.noProfile') },
              ...(catalog.data?.profiles ?? []).map((p) => ({
                value: p.name,
                text: t('connect.catalog.entry', { vendor: p.vendor, model: p.model }),
              })),
            ]}
            onChange={setProfile}
            testId="terminal-profile"
          />
          <button type="submit" disabled={action.busy || path.trim() === ''} data-testid="terminal-open-port">
            {t('support.terminal.open')}
          </button>
        </form>
      )}
      <ErrorNotice error={action.error ?? catalog.error} />
      {session && (
        <>
          <CheckField
            label={t('support.terminal.showHex')}
            checked={showHex}
            onChange={setShowHex}
            testId="terminal-show-hex"
          />
          <TerminalLog identity={session.identity} hex={showHex} />
          <SendForm session={session} />
        </>
      )}
    </section>
  );
}
