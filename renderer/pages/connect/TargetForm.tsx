// Where the box is and how to speak to it: the serial ports with their adapters (listed again every two
// seconds while the page is open, so a plugged-in adapter appears), or an address on the LAN.
import { type FormEvent, useEffect, useId } from 'react';
import type { CatalogEntry } from '../../../main/drivers/catalog.ts';
import type { SerialPortListing } from '../../../main/drivers/serial/port-list.ts';
import { useQuery } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { SelectField } from '../../components/SelectField.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import {
  type ConnectForm,
  type ConnectKind,
  connectKinds,
  isReady,
  needsMap,
  OTHER_PORT,
  onSerial,
  takesLogin,
} from './connect-target.ts';

const HOT_PLUG_MS = 2000;

function portText(port: SerialPortListing, t: ReturnType<typeof useI18n>['t']): string {
  const ids = port.vendorId && port.productId ? `${port.vendorId}:${port.productId}` : '';
  return t('connect.ports.entry', {
    path: port.path,
    adapter: port.adapter ?? port.manufacturer ?? t('connect.ports.unknownAdapter'),
    ids: ids || '-',
  });
}

/** A shipped register map or console profile, by vendor and model. */
function CatalogSelect(props: {
  label: string;
  entries: readonly CatalogEntry[];
  value: string;
  onChange(name: string): void;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <SelectField
      label={props.label}
      value={props.value}
      options={props.entries.map((e) => ({
        value: e.name,
        text: t('connect.catalog.entry', { vendor: e.vendor, model: e.model }),
      }))}
      onChange={props.onChange}
      testId={props.testId}
    />
  );
}

export function TargetForm(props: {
  form: ConnectForm;
  onChange(form: ConnectForm): void;
  onIdentify(): void;
  busy: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  const ports = useQuery('drivers.ports', {}, []);
  const catalog = useQuery('drivers.catalog', {}, []);
  const { form, onChange } = props;
  const set = (patch: Partial<ConnectForm>) => onChange({ ...form, ...patch });
  const { reload } = ports;

  useEffect(() => {
    const timer = setInterval(reload, HOT_PLUG_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const list = ports.data ?? [];
  const firstPort = list[0]?.path ?? '';
  const firstMap = catalog.data?.maps[0]?.name ?? '';
  const firstProfile = catalog.data?.profiles[0]?.name ?? '';
  useEffect(() => {
    const patch: Partial<ConnectForm> = {};
    if (!form.port && ports.data) patch.port = firstPort || OTHER_PORT;
    if (!form.map && firstMap) patch.map = firstMap;
    if (!form.profile && firstProfile) patch.profile = firstProfile;
    if (Object.keys(patch).length > 0) onChange({ ...form, ...patch });
  }, [form, ports.data, firstPort, firstMap, firstProfile, onChange]);

  const ready = isReady(form);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) props.onIdentify();
  };

  return (
    <form onSubmit={submit} data-testid="connect-form" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('connect.where')}</h3>
      <section aria-labelledby={`${id}-ports`}>
        <h4 id={`${id}-ports`}>{t('connect.ports.title')}</h4>
        {list.length === 0 ? (
          <p className="hint" data-testid="connect-no-ports">
            {t('connect.ports.none')}
          </p>
        ) : (
          <ul data-testid="connect-ports" className="connect-ports">
            {list.map((p) => (
              <li key={p.path}>{portText(p, t)}</li>
            ))}
          </ul>
        )}
        <ErrorNotice error={ports.error} />
      </section>
      <div className="field">
        <label htmlFor={`${id}-kind`}>{t('connect.kind')}</label>
        <select
          id={`${id}-kind`}
          value={form.kind}
          onChange={(e) => set({ kind: e.target.value as ConnectKind })}
          data-testid="connect-kind"
        >
          {connectKinds.map((k) => (
            <option key={k} value={k}>
              {t(`connect.kind.${k}`)}
            </option>
          ))}
        </select>
      </div>
      {onSerial(form.kind) ? (
        <div className="field">
          <label htmlFor={`${id}-port`}>{t('connect.port')}</label>
          <select
            id={`${id}-port`}
            value={form.port}
            onChange={(e) => set({ port: e.target.value })}
            data-testid="connect-port"
          >
            {list.map((p) => (
              <option key={p.path} value={p.path}>
                {portText(p, t)}
              </option>
            ))}
            <option value={OTHER_PORT}>{t('connect.port.other')}</option>
          </select>
        </div>
      ) : (
        <TextField
          label={t('connect.address')}
          help={t(form.kind === 'modbus-tcp' ? 'connect.address.tcp' : 'connect.address.http')}
          value={form.address}
          onChange={(address) => set({ address })}
          issues={[]}
          testId="connect-address"
        />
      )}
      {onSerial(form.kind) && form.port === OTHER_PORT && (
        <TextField
          label={t('connect.port.path')}
          help={t('connect.port.pathHelp')}
          value={form.portPath}
          onChange={(portPath) => set({ portPath })}
          issues={[]}
          testId="connect-port-path"
        />
      )}
      {needsMap(form.kind) && (
        <CatalogSelect
          label={t('connect.map')}
          entries={catalog.data?.maps ?? []}
          value={form.map}
          onChange={(map) => set({ map })}
          testId="connect-map"
        />
      )}
      {form.kind === 'console' && (
        <CatalogSelect
          label={t('connect.profile')}
          entries={catalog.data?.profiles ?? []}
          value={form.profile}
          onChange={(profile) => set({ profile })}
          testId="connect-profile"
        />
      )}
      {takesLogin(form.kind) && (
        <div className="toolbar">
          <TextField
            label={t('connect.user')}
            value={form.user}
            onChange={(user) => set({ user })}
            issues={[]}
          />
          <div className="field">
            <label htmlFor={`${id}-password`}>{t('connect.password')}</label>
            <input
              id={`${id}-password`}
              type="password"
              autoComplete="off"
              value={form.password}
              onChange={(e) => set({ password: e.target.value })}
            />
          </div>
        </div>
      )}
      <p className="hint">{t('connect.identify.help')}</p>
      <div className="toolbar">
        <button type="submit" disabled={props.busy || !ready} data-testid="connect-identify">
          {t('connect.identify')}
        </button>
      </div>
      <ErrorNotice error={catalog.error} />
    </form>
  );
}
