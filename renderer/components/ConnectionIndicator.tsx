// The header's state in three named parts: the app's core (the UI reaches it or not), the local CSMS
// (running on which port, or stopped) and the boxes (connected, waiting in the lobby). While the core is
// gone the CSMS and box parts say they are unknown instead of repeating what was true before.
import { useConnectionState } from '../api/hooks.ts';
import { useCsmsStatus } from '../api/ocpp-hooks.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function ConnectionIndicator() {
  const state = useConnectionState();
  const { status } = useCsmsStatus();
  const { t } = useI18n();
  const live = state === 'connected' && status !== undefined;
  const connected = status?.boxes.filter((b) => b.state === 'connected' && b.admitted).length ?? 0;
  const lobby = status?.boxes.filter((b) => b.state === 'connected' && !b.admitted).length ?? 0;
  return (
    <ul className="header-state" aria-label={t('header.label')}>
      <li>
        <output
          className={`connection connection-${state}`}
          aria-live="polite"
          data-testid="connection"
          data-state={state}
        >
          <span className="dot" aria-hidden="true" />
          {t(`header.core.${state}`)}
        </output>
      </li>
      <li data-testid="header-csms" data-state={live ? (status.running ? 'running' : 'stopped') : 'unknown'}>
        {!live
          ? t('header.csms.unknown')
          : status.running
            ? t('header.csms.running', { port: status.port ?? '' })
            : t('header.csms.stopped')}
      </li>
      {live && status.running && (
        <li data-testid="header-boxes">{t('header.boxes', { connected, lobby })}</li>
      )}
    </ul>
  );
}
