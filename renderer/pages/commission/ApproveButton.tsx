// Approve with a look at the box first: approving while the box is offline asks again, naming when the
// box was last seen, so nobody believes the writes have begun when the run will only wait for it.
import { useState } from 'react';
import { useBox } from '../../api/box-hooks.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { OfflineQuestion } from './OfflineQuestion.tsx';
import { timeText } from './run-text.ts';

export function ApproveButton(props: { identity: string; busy: boolean; onApprove(): void }) {
  const { t, language } = useI18n();
  const box = useBox(props.identity);
  const [asking, setAsking] = useState(false);
  const connection = box.data?.connection;
  // Not on record (an error) counts as offline, the careful side. Still loading (a moment after the view
  // opens; the box was connected when it was planned) does not hold the button back.
  const loading = box.data === undefined && box.error === undefined;
  const offline = !loading && connection?.state !== 'connected';
  if (asking && offline) {
    const since = connection?.since ?? null;
    return (
      <OfflineQuestion
        testId="approve-offline"
        title={t('run.approveOffline.title', { identity: props.identity })}
        help={
          since
            ? t('run.approveOffline.lastSeen', { when: timeText(language, since) })
            : t('run.approveOffline.never')
        }
        onBack={() => setAsking(false)}
      >
        <button
          type="button"
          disabled={props.busy}
          onClick={() => {
            setAsking(false);
            props.onApprove();
          }}
          data-testid="approve-offline-confirm"
        >
          {t('run.approveOffline.confirm')}
        </button>
      </OfflineQuestion>
    );
  }
  return (
    <button
      type="button"
      onClick={() => (offline ? setAsking(true) : props.onApprove())}
      disabled={props.busy}
      data-testid="approve"
    >
      {t('run.ui.approve')}
    </button>
  );
}
