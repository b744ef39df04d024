// The Modbus register browser (support): a box on TCP or an RS485 adapter, a slave id and any range of
// registers or bits, shown raw in decimal and hex and decoded by a register map when one is chosen.
import { type FormEvent, useId, useState } from 'react';
import type { RangeReading } from '../../../main/drivers/modbus/register-browser.ts';
import { useAction, useConnection, useQuery } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { SelectField } from '../../components/SelectField.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import {
  type BrowseForm,
  baudRates,
  blankBrowse,
  browseTarget,
  parities,
  readParams,
  registerFunctions,
} from './modbus-browse.ts';
import { RegisterWrite } from './RegisterWrite.tsx';

export function RegisterBrowser() {
  const { t } = useI18n();
  const id = useId();
  const api = useConnection();
  const catalog = useQuery('drivers.catalog', {}, []);
  const [form, setForm] = useState<BrowseForm>(blankBrowse);
  const [reading, setReading] = useState<{ read: RangeReading; form: BrowseForm }>();
  const action = useAction();
  const set = (patch: Partial<BrowseForm>) => setForm((f) => ({ ...f, ...patch }));
  const params = readParams(form);

  const read = (event: FormEvent) => {
    event.preventDefault();
    if (!params) return;
    void action.run(async () => {
      setReading(undefined);
      setReading({ read: await api.call('modbus.readRange', params), form });
    });
  };

  return (
    <section aria-labelledby={`${id}-title`} className="register-browser" data-testid="register-browser">
      <h4 id={`${id}-title`}>{t('support.modbus.title')}</h4>
      <form onSubmit={read}>
        <div className="toolbar">
          <SelectField
            label={t('support.modbus.on')}
            value={form.on}
            options={[
              { value: 'tcp', text: t('support.modbus.on.tcp') },
              { value: 'rtu', text: t('support.modbus.on.rtu') },
            ]}
            onChange={(on) => set({ on })}
            testId="browse-on"
          />
          {form.on === 'tcp' ? (
            <TextField
              label={t('support.modbus.address')}
              value={form.address}
              onChange={(address) => set({ address })}
              issues={[]}
              testId="browse-address"
            />
          ) : (
            <TextField
              label={t('support.port')}
              value={form.port}
              onChange={(port) => set({ port })}
              issues={[]}
              testId="browse-port"
            />
          )}
        </div>
        {form.on === 'rtu' && (
          <div className="toolbar">
            <SelectField
              label={t('support.baud')}
              value={form.baudRate}
              options={baudRates.map((b) => ({ value: String(b), text: String(b) }))}
              onChange={(baudRate) => set({ baudRate })}
              testId="browse-baud"
            />
            <SelectField
              label={t('support.parity')}
              value={form.parity}
              options={parities.map((p) => ({ value: p, text: t(`support.parity.${p}`) }))}
              onChange={(parity) => set({ parity })}
              testId="browse-parity"
            />
            <SelectField
              label={t('support.stopBits')}
              value={form.stopBits}
              options={[
                { value: '1', text: '1' },
                { value: '2', text: '2' },
              ]}
              onChange={(stopBits) => set({ stopBits })}
              testId="browse-stop-bits"
            />
          </div>
        )}
        <div className="toolbar">
          <TextField
            label={t('support.modbus.slaveId')}
            value={form.slaveId}
            onChange={(slaveId) => set({ slaveId })}
            issues={[]}
            testId="browse-slave"
          />
          <SelectField
            label={t('support.modbus.map')}
            value={form.map}
            options={[
              { value: '', text: t('support.modbus.noMap') },
              ...(catalog.data?.maps ?? []).map((m) => ({
                value: m.name,
                text: t('connect.catalog.entry', { vendor: m.vendor, model: m.model }),
              })),
            ]}
            onChange={(map) => set({ map })}
            testId="browse-map"
          />
        </div>
        <div className="toolbar">
          <SelectField
            label={t('support.modbus.function')}
            value={form.function}
            options={registerFunctions.map((f) => ({ value: f, text: t(`support.modbus.function.${f}`) }))}
            onChange={(fn) => set({ function: fn })}
            testId="browse-function"
          />
          <TextField
            label={t('support.modbus.start')}
            value={form.start}
            onChange={(start) => set({ start })}
            issues={[]}
            testId="browse-start"
          />
          <TextField
            label={t('support.modbus.count')}
            value={form.count}
            onChange={(count) => set({ count })}
            issues={[]}
            testId="browse-count"
          />
          <button type="submit" disabled={action.busy || !params} data-testid="browse-read">
            {t('support.modbus.read')}
          </button>
        </div>
      </form>
      <ErrorNotice error={action.error ?? catalog.error} />
      {reading && <RangeView reading={reading.read} form={reading.form} />}
    </section>
  );
}

function RangeView(props: { reading: RangeReading; form: BrowseForm }) {
  const { t } = useI18n();
  const { reading } = props;
  const [changing, setChanging] = useState<string>();
  return (
    <div data-testid="browse-result">
      <p className="hint">{t('support.modbus.raw', { target: reading.target, slaveId: reading.slaveId })}</p>
      <div className="table-scroll">
        <table data-testid="browse-raw" className="browse-raw">
          <thead>
            <tr>
              <th scope="col">{t('support.modbus.col.register')}</th>
              <th scope="col">{t('support.modbus.col.decimal')}</th>
              <th scope="col">{t('support.modbus.col.hex')}</th>
            </tr>
          </thead>
          <tbody>
            {reading.registers.map((r) => (
              <tr key={r.address} data-register={r.address}>
                <td>{r.address}</td>
                <td>{r.value}</td>
                <td>
                  <code>{r.hex}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {reading.map && (
        <>
          <p className="hint">{t('support.modbus.decoded', { map: reading.map })}</p>
          {reading.decoded.length === 0 ? (
            <p className="hint">{t('support.modbus.noneDecoded')}</p>
          ) : (
            <div className="table-scroll">
              <table data-testid="browse-decoded" className="browse-decoded">
                <thead>
                  <tr>
                    <th scope="col">{t('support.modbus.col.name')}</th>
                    <th scope="col">{t('support.modbus.col.value')}</th>
                    <th scope="col">{t('support.modbus.col.meaning')}</th>
                    <th scope="col">{t('support.modbus.col.allowed')}</th>
                  </tr>
                </thead>
                <tbody>
                  {reading.decoded.map((d) => (
                    <tr key={d.name} data-setting={d.name}>
                      <td>
                        <code>{d.name}</code>
                      </td>
                      <td data-testid={`decoded-${d.name}`}>{d.text}</td>
                      <td>{d.meaning}</td>
                      <td>
                        {d.access === 'rw' && d.range ? (
                          <div className="row-actions">
                            <span>{`${d.range.min} … ${d.range.max}${d.unit ? ` ${d.unit}` : ''}`}</span>
                            <button
                              type="button"
                              className="secondary"
                              onClick={() => setChanging(d.name)}
                              data-testid={`change-${d.name}`}
                            >
                              {t('support.modbus.change', { name: d.name })}
                            </button>
                          </div>
                        ) : (
                          t('support.modbus.readOnly')
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {changing && (
            <RegisterWrite
              key={changing}
              entry={reading.decoded.find((d) => d.name === changing)}
              target={{ ...browseTarget(props.form), map: reading.map }}
              onDone={() => setChanging(undefined)}
            />
          )}
        </>
      )}
    </div>
  );
}
