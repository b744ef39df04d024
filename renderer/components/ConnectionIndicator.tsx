// Shows whether the UI reaches the core right now, in words and colour, announced to screen readers.
// On the desktop it is always connected; in the browser shell the socket may drop and come back.
import { useConnectionState } from '../api/hooks.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function ConnectionIndicator() {
  const state = useConnectionState();
  const { t } = useI18n();
  return (
    <output
      className={`connection connection-${state}`}
      aria-live="polite"
      data-testid="connection"
      data-state={state}
    >
      <span className="dot" aria-hidden="true" />
      {t(`connection.${state}`)}
    </output>
  );
}
