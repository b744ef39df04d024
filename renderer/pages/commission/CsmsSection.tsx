// The local CSMS on the Commission page: start it, or while it runs, the addresses to enter into a
// box (each with a copy button, its network and a QR code), the CA to install for wss://, and a stop button. The status line is
// announced when it changes.
import type { WireError } from '../../../main/api/errors.ts';
import type { CsmsStatus } from '../../../main/ocpp/types.ts';
import { useRunsUnderWay } from '../../api/box-hooks.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { CsmsAddresses } from './CsmsAddresses.tsx';
import { CsmsCertificate } from './CsmsCertificate.tsx';
import { CsmsStartForm } from './CsmsStartForm.tsx';

export function CsmsSection(props: {
  status: CsmsStatus | undefined;
  error: WireError | undefined;
  onStatus(status: CsmsStatus): void;
}) {
  const { t } = useI18n();
  const api = useConnection();
  const { busy, error: stopError, run } = useAction();
  const { status } = props;
  const underWay = useRunsUnderWay().data ?? [];

  const stop = () => run(async () => props.onStatus(await api.call('csms.stop', {})));

  return (
    <section aria-labelledby="csms-heading" className="csms" data-testid="csms">
      <h3 id="csms-heading">{t('csms.title')}</h3>
      <ErrorNotice error={props.error} />
      <output aria-live="polite" className="csms-state" data-running={status?.running ? 'yes' : 'no'}>
        {!status
          ? t('csms.loading')
          : status.running
            ? t('csms.running', { port: status.port ?? '' })
            : t('csms.stopped')}
      </output>
      {status && !status.running && underWay.length > 0 && (
        <p className="hint" data-testid="csms-runs-waiting">
          {t('csms.runsWaiting', { boxes: [...new Set(underWay.map((r) => r.identity))].join(', ') })}
        </p>
      )}
      {status && !status.running && <CsmsStartForm onStarted={props.onStatus} />}
      {status?.running && (
        <>
          <p>{t('csms.urls.intro')}</p>
          <CsmsAddresses lan={status.lan} />
          <p className="hint">{t('csms.urls.help')}</p>
          {status.tls && <CsmsCertificate tls={status.tls} />}
          <button type="button" className="secondary" onClick={() => void stop()} disabled={busy}>
            {t('csms.stop')}
          </button>
          <ErrorNotice error={stopError} />
        </>
      )}
    </section>
  );
}
