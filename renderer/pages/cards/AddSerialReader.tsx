// A serial reader the system does not list by itself (an MFRC522 board behind a USB-serial bridge, an
// RDM6300): its port, speed and what it sends. Once added it is a reader like any other.
import { type FormEvent, useId, useRef, useState } from 'react';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { issuesFor } from '../../components/FieldIssues.tsx';
import { useFocusFirstError } from '../../components/focus-first-error.ts';
import { TextField } from '../../components/TextField.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

const baudRates = [9600, 19200, 38400, 57600, 115200] as const;
type Format = 'lines' | 'rdm6300';

export function AddSerialReader(props: { onAdded(id: string): void }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const [path, setPath] = useState('');
  const [baudRate, setBaudRate] = useState(9600);
  const [format, setFormat] = useState<Format>('lines');
  const { busy, error, run } = useAction();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const added = await run(async () => {
      const reader = await api.call('readers.addSerial', { path: path.trim(), baudRate, format });
      props.onAdded(reader.id);
    });
    if (added) setPath('');
  }

  return (
    <details className="add-serial" data-testid="add-serial">
      <summary data-testid="add-serial-open">{t('cards.serial.open')}</summary>
      <form ref={formRef} onSubmit={submit} className="add-serial-form">
        <TextField
          label={t('cards.serial.path')}
          value={path}
          onChange={setPath}
          issues={issuesFor(error, ['path'])}
          help={t('cards.serial.path.help')}
          testId="serial-path"
        />
        <div className="field">
          <label htmlFor={`${id}-baud`}>{t('cards.serial.baud')}</label>
          <select
            id={`${id}-baud`}
            value={baudRate}
            onChange={(e) => setBaudRate(Number(e.target.value))}
            data-testid="serial-baud"
          >
            {baudRates.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-format`}>{t('cards.serial.format')}</label>
          <select
            id={`${id}-format`}
            value={format}
            onChange={(e) => setFormat(e.target.value as Format)}
            data-testid="serial-format"
          >
            <option value="lines">{t('cards.serial.format.lines')}</option>
            <option value="rdm6300">{t('cards.serial.format.rdm6300')}</option>
          </select>
        </div>
        <button type="submit" disabled={busy || path.trim() === ''} data-testid="serial-add">
          {t('cards.serial.add')}
        </button>
        <ErrorNotice error={error} />
      </form>
    </details>
  );
}
