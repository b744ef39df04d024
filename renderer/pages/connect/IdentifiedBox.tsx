// What identifying the box read, and nothing more: who it is, what the tool can do with it, each setting
// with its live value (secrets only as set / not set) and its state. Nothing was written to get this.
import { Fragment } from 'react';
import type { DriverIdentification } from '../../../main/drivers/api-handlers.ts';
import type { SettingValue } from '../../../main/drivers/station-driver.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export function IdentifiedBox({ seen }: { seen: DriverIdentification }) {
  const { t } = useI18n();
  const none = t('connect.none');
  const { station, status } = seen;
  const value = (name: string): string => {
    const spec = seen.settings.find((s) => s.name === name);
    const reading = seen.values.find((v) => v.name === name);
    if (spec?.access === 'write-only' || spec?.secret)
      return t(reading?.value ? 'connect.secret.set' : 'connect.secret.unknown');
    const v: SettingValue | null | undefined = reading?.value;
    if (v === null || v === undefined) return none;
    if (typeof v === 'boolean') return t(v ? 'connect.yes' : 'connect.no');
    return spec?.unit ? `${v} ${spec.unit}` : String(v);
  };
  return (
    <section className="connect-identified" data-testid="connect-identified" aria-labelledby="connect-seen">
      <h3 id="connect-seen" tabIndex={-1}>
        {t('connect.identified.title', { vendor: station.vendor ?? none, model: station.model ?? '' })}
      </h3>
      <p className="notice">{t('connect.identified.readOnly')}</p>
      <dl>
        <dt>{t('connect.identified.firmware')}</dt>
        <dd data-testid="connect-firmware">{station.firmware ?? none}</dd>
        <dt>{t('connect.identified.serial')}</dt>
        <dd>{station.serialNumber ?? none}</dd>
        <dt>{t('connect.identified.protocol')}</dt>
        <dd>{t('connect.identified.at', { protocol: station.protocol, address: station.address })}</dd>
        {status && (
          <>
            <dt>{t('connect.identified.state')}</dt>
            <dd>
              {t('connect.identified.stateValue', {
                state: t(`connect.state.${status.state}`),
                raw: status.raw,
              })}
            </dd>
          </>
        )}
        <dt>{t('connect.identified.can')}</dt>
        <dd>{seen.capabilities.map((c) => t(`connect.capability.${c}`)).join(', ') || none}</dd>
      </dl>
      <h4>{t('connect.identified.settings')}</h4>
      <dl data-testid="connect-settings">
        {seen.settings.map((s) => (
          <Fragment key={s.name}>
            <dt>{s.name}</dt>
            <dd data-setting={s.name}>
              {value(s.name)}
              {s.range && ` ${t('connect.identified.range', { min: s.range.min, max: s.range.max })}`}
              {s.access === 'read' && ` ${t('connect.identified.readOnlySetting')}`}
            </dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}
