// "Approve all" of a fleet with a look at its boxes first: when some of the boxes waiting for approval are
// offline it names them and lets the user approve only the online ones, or all of them (the offline ones
// then wait for their box), so nobody believes every box is being written when some are not there.
import { useState } from 'react';
import { useCsmsStatus } from '../../api/ocpp-hooks.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { OfflineQuestion } from './OfflineQuestion.tsx';

export function FleetApproveButton(props: {
  awaiting: string[];
  busy: boolean;
  disabled: boolean;
  /** Approves the boxes named, or every waiting box when none are named. */
  onApprove(identities?: string[]): void;
}) {
  const { t } = useI18n();
  const csms = useCsmsStatus();
  const [asking, setAsking] = useState(false);
  // Still loading (a moment after the view opens) does not hold the button back; a CSMS that is not
  // running (or not on record) has no box online, the careful side.
  const loading = csms.status === undefined && csms.error === undefined;
  const connected = new Set(
    (csms.status?.running ? csms.status.boxes : [])
      .filter((b) => b.state === 'connected')
      .map((b) => b.identity),
  );
  const offline = loading ? [] : props.awaiting.filter((identity) => !connected.has(identity));
  const online = props.awaiting.filter((identity) => !offline.includes(identity));
  const approve = (identities?: string[]) => {
    setAsking(false);
    props.onApprove(identities);
  };
  if (asking && offline.length > 0)
    return (
      <OfflineQuestion
        testId="approve-fleet-offline"
        title={
          <span data-testid="approve-fleet-offline-boxes">
            {t('fleet.approveOffline.title', { count: offline.length, boxes: offline.join(', ') })}
          </span>
        }
        help={t('fleet.approveOffline.help')}
        onBack={() => setAsking(false)}
      >
        {online.length > 0 && (
          <button
            type="button"
            disabled={props.busy}
            onClick={() => approve(online)}
            data-testid="approve-fleet-online"
          >
            {t('fleet.approveOffline.online', { count: online.length })}
          </button>
        )}
        <button
          type="button"
          className="secondary"
          disabled={props.busy}
          onClick={() => approve()}
          data-testid="approve-fleet-all"
        >
          {t('fleet.approveOffline.all', { count: props.awaiting.length })}
        </button>
      </OfflineQuestion>
    );
  return (
    <button
      type="button"
      disabled={props.busy || props.disabled}
      onClick={() => (offline.length > 0 ? setAsking(true) : approve())}
      data-testid="approve-fleet"
    >
      {t('fleet.plan.approveAll', { count: props.awaiting.length })}
    </button>
  );
}
