// What can be done with a box now: commission it (opens Commission with the box chosen), read its
// configuration, push its groups' cards, a test charge; box calls only while it is connected and admitted.
import { useState } from 'react';
import type { BoxDetail } from '../../../main/boxes/types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { navigate } from '../../routing/route.ts';
import { ForgetBox } from './ForgetBox.tsx';

export function BoxActions({ box, onDone }: { box: BoxDetail; onDone(): void }) {
  const { t } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [done, setDone] = useState('');
  const connected = box.connection.state === 'connected';
  const identity = box.identity;
  const groups = box.groups.map((g) => g.name);

  const readConfig = () =>
    void action.run(async () => {
      const snapshot = await api.call('config.read', { identity });
      setDone(t('box.readConfig.done', { entries: snapshot.entries.length }));
      onDone();
    });
  const pushCards = () =>
    void action.run(async () => {
      const pushed = await api.call('cards.push', { identity, groups });
      setDone(t('box.pushCards.done', { version: pushed.version, entries: pushed.entries }));
      onDone();
    });
  const testCharge = () =>
    void action.run(async () => {
      const result = await api.call('boxes.testCharge', { identity });
      setDone(t('box.testCharge.done', { transactionId: result.transactionId, energyWh: result.energyWh }));
    });

  // The calls that go to the box itself: only while it is connected and admitted.
  const boxCalls: Array<[string, () => void, boolean]> = [
    ['readConfig', readConfig, false],
    ['pushCards', pushCards, true],
    ['testCharge', testCharge, false],
  ];

  return (
    <section aria-labelledby="box-actions" data-testid="box-actions">
      <h4 id="box-actions">{t('box.actions')}</h4>
      <div className="toolbar">
        <button
          type="button"
          onClick={() => navigate('commission', 'start', identity)}
          disabled={box.forget.blockedBy !== null}
          data-testid="box-commission"
        >
          {t('box.action.commission')}
        </button>
        {boxCalls.map(([key, run, needsGroups]) => (
          <button
            key={key}
            type="button"
            className="secondary"
            onClick={run}
            disabled={!connected || (needsGroups && groups.length === 0) || action.busy}
            data-testid={`box-${key}`}
          >
            {t(`box.action.${key}`)}
          </button>
        ))}
        <ForgetBox box={box} />
      </div>
      {!connected && <p className="hint">{t('box.action.needsConnection')}</p>}
      {connected && groups.length === 0 && <p className="hint">{t('box.action.noGroups')}</p>}
      <output aria-live="polite" data-testid="box-action-done">
        {done}
      </output>
      <ErrorNotice error={action.error} />
    </section>
  );
}
