// A card here and at a company CSMS side by side, one row per field, the rows that differ marked in words
// (not by colour alone): the conflict view shows it before the user decides.
import type { RemoteToken } from '../../../main/csms/connector.ts';
import type { TokenPayload } from '../../../main/csms/outbox.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { fieldRows, fieldValue } from './token-fields.ts';

export function FieldTable(props: { ours: TokenPayload; theirs: RemoteToken | null; csms: string }) {
  const { t } = useI18n();
  return (
    <table className="sync-fields">
      <thead>
        <tr>
          <th scope="col">{t('sync.conflicts.col.field')}</th>
          <th scope="col">{t('sync.conflicts.col.here')}</th>
          <th scope="col">{t('sync.conflicts.col.theirs', { name: props.csms })}</th>
          <th scope="col">{t('sync.conflicts.col.differs')}</th>
        </tr>
      </thead>
      <tbody>
        {fieldRows(props.ours, props.theirs).map((row) => (
          <tr key={row.field} data-differs={row.differs ? 'yes' : 'no'}>
            <th scope="row">{t(`sync.field.${row.field}`)}</th>
            <td>{fieldValue(t, row.field, row.ours)}</td>
            <td>{fieldValue(t, row.field, row.theirs)}</td>
            <td>{row.differs ? t('sync.conflicts.differs') : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
