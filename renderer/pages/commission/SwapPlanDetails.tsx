// The part of a swap run's plan beyond its writes: which box's place it takes (from the database or a backup
// file, within or across OCPP versions), the cards and password it moves, and what cannot move.
import type { SwapPlan } from '../../../main/commissioning/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** A list of settings with the broken box's value: those the new box lacks, or with no other-version name. */
function SettingList({
  title,
  items,
  testId,
}: {
  title: string;
  items: SwapPlan['notMovable'];
  testId: string;
}) {
  const { t } = useI18n();
  if (items.length === 0) return null;
  return (
    <div className="notice" data-testid={testId}>
      <p>{title}</p>
      <ul>
        {items.map((n) => (
          <li key={n.key} data-key={n.key}>
            {t('swap.plan.notMovableItem', { key: n.key, value: n.value ?? t('run.ui.plan.unset') })}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function SwapPlanDetails({ swap, ocppVersion }: { swap: SwapPlan; ocppVersion: '1.6' | '2.0.1' }) {
  const { t } = useI18n();
  const shown = (value: string | null) => (value === null ? t('run.ui.plan.unset') : value);
  const { source } = swap;
  const password =
    swap.password === 'moved'
      ? t('swap.plan.passwordMoved')
      : swap.password === 'new'
        ? t('swap.plan.passwordNew', { from: swap.from })
        : t('swap.plan.passwordNone');
  return (
    <div className="swap-plan" data-testid="swap-plan">
      <p>{t('swap.plan.takes', { to: swap.to, from: swap.from })}</p>
      {source.kind === 'file' && (
        <p data-testid="swap-source-file">
          {t('swap.plan.fromFile', {
            from: swap.from,
            exportedAt: source.exportedAt ?? '-',
            takenAt: source.takenAt,
          })}
        </p>
      )}
      {source.databaseSnapshot && (
        <p>{t('swap.plan.databaseToo', { from: swap.from, at: source.databaseSnapshot })}</p>
      )}
      {source.ocppVersion && source.ocppVersion !== ocppVersion && (
        <p data-testid="swap-cross-version">
          {t('swap.plan.crossVersion', {
            from: swap.from,
            fromVersion: source.ocppVersion,
            toVersion: ocppVersion,
          })}
        </p>
      )}
      <p>
        {swap.identityKey
          ? t('swap.plan.identityKey', { key: swap.identityKey, from: swap.from })
          : t('swap.plan.identityUrl', { from: swap.from })}
      </p>
      <p>{password}</p>
      {swap.cards && <p>{t('swap.plan.cards', { count: swap.cards.count, version: swap.cards.version })}</p>}
      <SettingList title={t('swap.plan.notMovable')} items={swap.notMovable} testId="swap-not-movable" />
      <SettingList
        title={t('swap.plan.notMapped', { version: ocppVersion })}
        items={swap.notMapped ?? []}
        testId="swap-not-mapped"
      />
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
