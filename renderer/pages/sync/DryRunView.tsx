// What a send to one company CSMS would do, card by card and station by station, before anything is sent:
// it reads the CSMS and writes nothing, here or there (sync.dryRun, as `wbc sync dry-run` does).
import { useState } from 'react';
import type { DryRunItem } from '../../../main/csms/sync-service.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { fieldRows, fieldValue } from './token-fields.ts';

export function DryRunView(props: { connector: string }) {
  const { t } = useI18n();
  const api = useConnection();
  const { busy, error, run } = useAction();
  const [items, setItems] = useState<DryRunItem[] | null>(null);
  const show = () => run(async () => setItems(await api.call('sync.dryRun', { connector: props.connector })));
  const changes = (item: DryRunItem): string => {
    if ('identity' in item.ours) return t('sync.dryRun.station', { profile: item.ours.securityProfile });
    if (item.action === 'unchanged' || item.action === 'revoke') return '';
    return fieldRows(item.ours, item.theirs)
      .filter((row) => row.differs)
      .map((row) =>
        t('sync.dryRun.change', {
          field: t(`sync.field.${row.field}`),
          from: fieldValue(t, row.field, row.theirs),
          to: fieldValue(t, row.field, row.ours),
        }),
      )
      .join('; ');
  };
  return (
    <div className="sync-dry-run">
      <button
        type="button"
        data-testid={`sync-dry-run-${props.connector}`}
        disabled={busy}
        onClick={() => void show()}
      >
        {t('sync.dryRun.button')}
      </button>
      <ErrorNotice error={error} />
      {items && items.length === 0 && (
        <p aria-live="polite" data-testid="sync-dry-run-result">
          {t('sync.dryRun.nothing', { name: props.connector })}
        </p>
      )}
      {items && items.length > 0 && (
        <table data-testid="sync-dry-run-result" aria-live="polite">
          <caption>{t('sync.dryRun.title', { name: props.connector })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('sync.page.col.key')}</th>
              <th scope="col">{t('sync.dryRun.col.action')}</th>
              <th scope="col">{t('sync.dryRun.col.changes')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.jobId} data-action={item.action}>
                <td>
                  <code>{item.key}</code>
                </td>
                <td>{t(`sync.action.${item.action}`)}</td>
                <td>{changes(item)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
