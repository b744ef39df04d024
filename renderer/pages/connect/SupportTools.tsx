// The Connect page's support tools: the Modbus register browser and the raw serial terminal, both
// recorded in the trace with passwords masked (docs/DRIVERS.md).
import { useId } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import { RegisterBrowser } from './RegisterBrowser.tsx';
import { SerialTerminal } from './SerialTerminal.tsx';

export function SupportTools() {
  const { t } = useI18n();
  const id = useId();
  return (
    <section aria-labelledby={`${id}-title`} className="support-tools" data-testid="support-tools">
      <h3 id={`${id}-title`}>{t('support.title')}</h3>
      <p className="hint">{t('support.help')}</p>
      <RegisterBrowser />
      <SerialTerminal />
    </section>
  );
}
