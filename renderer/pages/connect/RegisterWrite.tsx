// One map setting changed from the register browser: the new value typed, then a question naming the
// register, its value now and the new one; only a yes writes (modbus.writeRegister, the map's range checked).
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { ParamsOf } from '../../../main/api/contract.ts';
import type { DecodedEntry, MappedWriteOutcome } from '../../../main/drivers/modbus/register-browser.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

type Target = Omit<ParamsOf<'modbus.writeRegister'>, 'setting' | 'value' | 'confirmed'>;

export function RegisterWrite(props: { entry: DecodedEntry | undefined; target: Target; onDone(): void }) {
  const { t } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [text, setText] = useState('');
  const [asking, setAsking] = useState<number>();
  const [outcome, setOutcome] = useState<MappedWriteOutcome>();
  const question = useRef<HTMLButtonElement>(null);
  const { entry } = props;

  useEffect(() => {
    if (asking !== undefined) question.current?.focus();
  }, [asking]);

  if (!entry) return null;
  const unit = entry.unit ?? '';
  const value = Number(text.trim().replace(',', '.'));
  const valid = text.trim() !== '' && Number.isFinite(value);

  const check = (event: FormEvent) => {
    event.preventDefault();
    if (valid) setAsking(value);
  };
  const write = () =>
    void action.run(async () => {
      if (asking === undefined) return;
      setOutcome(
        await api.call('modbus.writeRegister', {
          ...props.target,
          setting: entry.name,
          value: asking,
          confirmed: true,
        }),
      );
      setAsking(undefined);
    });

  return (
    <div className="register-write" data-testid="register-write">
      <form onSubmit={check} className="toolbar">
        <TextField
          label={t('support.modbus.newValue', {
            name: entry.name,
            min: entry.range?.min ?? '',
            max: entry.range?.max ?? '',
            unit,
          })}
          value={text}
          onChange={(next) => {
            setText(next);
            setAsking(undefined);
          }}
          issues={[]}
          testId="write-value"
        />
        <button type="submit" className="secondary" disabled={!valid} data-testid="write-check">
          {t('support.modbus.check')}
        </button>
        <button type="button" className="secondary" onClick={props.onDone}>
          {t('support.modbus.cancel')}
        </button>
      </form>
      {asking !== undefined && (
        <div role="alertdialog" aria-labelledby="register-write-question" className="notice">
          <p id="register-write-question" data-testid="write-question">
            {t('support.modbus.confirm', {
              value: asking,
              unit,
              name: entry.name,
              register: entry.address,
              now: entry.text,
            })}
          </p>
          <div className="toolbar">
            <button type="button" onClick={write} disabled={action.busy} data-testid="write-confirm">
              {t('support.modbus.write')}
            </button>
            {/* Focus lands on "no": a second Enter by accident never writes. */}
            <button
              type="button"
              className="secondary"
              ref={question}
              onClick={() => setAsking(undefined)}
              data-testid="write-cancel"
            >
              {t('support.modbus.cancel')}
            </button>
          </div>
        </div>
      )}
      <ErrorNotice error={action.error} />
      {outcome && (
        <output
          className="hint"
          data-testid="write-outcome"
          data-confirmed={outcome.confirmed ? 'yes' : 'no'}
        >
          {t(outcome.confirmed ? 'support.modbus.written' : 'support.modbus.writtenNotConfirmed', {
            name: outcome.name,
            before: String(outcome.before),
            after: String(outcome.after),
            unit: outcome.unit ?? '',
          })}
        </output>
      )}
    </div>
  );
}
