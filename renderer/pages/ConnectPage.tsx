// Connect: a box on a USB cable or the LAN (OpenEVSE, Modbus by a register map, a service console by its
// profile): pick where it is, identify it politely (reads only), and only when the user agrees, commission it.
// Below, the support tools: the register browser and the serial terminal.
import { useCallback, useState } from 'react';
import type { DriverIdentification } from '../../main/drivers/api-handlers.ts';
import { useAction, useConnection } from '../api/hooks.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { ConnectRun } from './connect/ConnectRun.tsx';
import { type ConnectForm, type DriverTarget, targetOf } from './connect/connect-target.ts';
import { IdentifiedBox } from './connect/IdentifiedBox.tsx';
import { SupportTools } from './connect/SupportTools.tsx';
import { TargetForm } from './connect/TargetForm.tsx';

const blank: ConnectForm = {
  kind: 'openevse-serial',
  port: '',
  portPath: '',
  address: '',
  map: '',
  profile: '',
  user: '',
  password: '',
};

export function ConnectPage() {
  const { t } = useI18n();
  const api = useConnection();
  const [form, setForm] = useState(blank);
  const [seen, setSeen] = useState<{ target: DriverTarget; box: DriverIdentification }>();
  const action = useAction();
  const change = useCallback((next: ConnectForm) => {
    setForm(next);
    setSeen(undefined);
  }, []);

  const identify = () =>
    void action.run(async () => {
      const target = targetOf(form);
      setSeen(undefined);
      setSeen({ target, box: await api.call('drivers.identify', target) });
    });

  return (
    <div className="page" data-testid="connect-page">
      <p className="hint">{t('connect.help')}</p>
      <TargetForm form={form} onChange={change} onIdentify={identify} busy={action.busy} />
      <ErrorNotice error={action.error} />
      {seen && (
        <>
          <IdentifiedBox seen={seen.box} />
          <ConnectRun
            key={JSON.stringify(seen.target)}
            target={seen.target}
            suggested={seen.box.station.serialNumber ?? ''}
          />
        </>
      )}
      <SupportTools />
    </div>
  );
}
