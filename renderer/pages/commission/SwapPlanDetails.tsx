// The part of a swap run's plan beyond its writes: which box's place it takes, the cards and password it
// moves, and what cannot move (settings the new box lacks, read-only differences, values never revealed).
import type { SwapPlan } from '../../../main/commissioning/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export function SwapPlanDetails({ swap }: { swap: SwapPlan }) {
  const { t } = useI18n();
  const shown = (value: string | null) => (value === null ? t('run.ui.plan.unset') : value);
  return (
    <div className="swap-plan" data-testid="swap-plan">
      <p>{t('swap.plan.takes', { to: swap.to, from: swap.from })}</p>
      <p>
        {swap.identityKey
          ? t('swap.plan.identityKey', { key: swap.identityKey, from: swap.from })
          : t('swap.plan.identityUrl', { from: swap.from })}
      </p>
      <p>{swap.password === 'moved' ? t('swap.plan.passwordMoved') : t('swap.plan.passwordNone')}</p>
      {swap.cards && <p>{t('swap.plan.cards', { count: swap.cards.count, version: swap.cards.version })}</p>}
      {swap.notMovable.length > 0 && (
        <div className="notice" data-testid="swap-not-movable">
          <p>{t('swap.plan.notMovable')}</p>
          <ul>
            {swap.notMovable.map((n) => (
              <li key={n.key} data-key={n.key}>
                {t('swap.plan.notMovableItem', { key: n.key, value: shown(n.value) })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {swap.readOnly.length > 0 && (
        <div className="table-scroll">
          <table className="diff" data-testid="swap-read-only">
            <caption>{t('swap.plan.readOnly')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('run.ui.plan.key')}</th>
                <th scope="col">{t('swap.plan.onNew', { identity: swap.to })}</th>
                <th scope="col">{t('swap.plan.onOld', { identity: swap.from })}</th>
              </tr>
            </thead>
            <tbody>
              {swap.readOnly.map((r) => (
                <tr key={r.key} data-key={r.key}>
                  <th scope="row">
                    <code>{r.key}</code>
                  </th>
                  <td>
                    {r.replacement === null ? (
                      <em>{t('swap.plan.missing')}</em>
                    ) : (
                      <code>{r.replacement}</code>
                    )}
                  </td>
                  <td>
                    <code>{shown(r.broken)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {swap.notRead.length > 0 && <p>{t('swap.plan.notRead', { keys: swap.notRead.join(', ') })}</p>}
    </div>
  );
}
