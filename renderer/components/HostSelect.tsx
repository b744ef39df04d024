// "Listen on": all networks of the laptop (boxes on the LAN) or this computer only, for the local CSMS
// and the proxy alike.
import { useI18n } from '../i18n/i18n.tsx';

export const hosts = ['0.0.0.0', '127.0.0.1'] as const;
export type Host = (typeof hosts)[number];

export function HostSelect(props: {
  id: string;
  value: Host;
  onChange(host: Host): void;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={props.id}>{t('csms.host')}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as Host)}
        disabled={props.disabled}
      >
        {hosts.map((h) => (
          <option key={h} value={h}>
            {t(`csms.host.${h === '0.0.0.0' ? 'all' : 'local'}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
