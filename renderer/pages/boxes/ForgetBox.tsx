// "Forget the box": first says what is lost (runs and their reports, snapshots, trace, card list,
// passwords), and that an unfinished run holds it back; only the second press deletes.
import { useState } from 'react';
import type { BoxDetail } from '../../../main/boxes/types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { href, navigate } from '../../routing/route.ts';

export function ForgetBox({ box }: { box: BoxDetail }) {
  const { t } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [asking, setAsking] = useState(false);
  const { blockedBy, ...lost } = box.forget;

  if (!asking)
    return (
      <button type="button" className="secondary" onClick={() => setAsking(true)} data-testid="forget">
        {t('box.action.forget')}
      </button>
    );
  const forget = () =>
    void action.run(async () => {
      await api.call('boxes.forget', { identity: box.identity });
      navigate('boxes');
    });
  return (
    <section
      className="notice"
      role="alertdialog"
      aria-labelledby="forget-heading"
      data-testid="forget-panel"
    >
      <h4 id="forget-heading">{t('box.forget.title', { identity: box.identity })}</h4>
      <p data-testid="forget-lost">
        {t('box.forget.lost', {
          runs: lost.runs,
          snapshots: lost.snapshots,
          traceFrames: lost.traceFrames,
          secrets: lost.secrets,
          groups: lost.groups,
        })}
      </p>
      {lost.secrets > 0 && <p>{t('box.forget.password')}</p>}
      {box.connection.state !== 'offline' && <p>{t('box.forget.connected')}</p>}
      {blockedBy && (
        <p data-testid="forget-blocked">
          <a href={href('boxes', box.identity, 'runs', String(blockedBy.id))}>
            {t('box.forget.blocked', { run: blockedBy.id })}
          </a>
        </p>
      )}
      <div className="toolbar">
        <button
          type="button"
          onClick={forget}
          disabled={action.busy || blockedBy !== null}
          data-testid="forget-confirm"
        >
          {t('box.forget.confirm')}
        </button>
        <button type="button" className="secondary" onClick={() => setAsking(false)}>
          {t('box.forget.keep')}
        </button>
      </div>
      <ErrorNotice error={action.error} />
    </section>
  );
}
