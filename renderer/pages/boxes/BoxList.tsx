// Every box the tool knows, one row each: where it stands (connection, commissioning), boxes that need
// attention first; the identity links to the box's page.
import { useBoxList } from '../../api/box-hooks.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../routing/route.ts';
import { commissioningText, connectionText } from './box-text.ts';

export function BoxList() {
  const { t, language } = useI18n();
  const boxes = useBoxList();
  const rows = [...(boxes.data ?? [])].sort(
    (a, b) => Number(b.attention) - Number(a.attention) || a.identity.localeCompare(b.identity),
  );
  return (
    <div className="page">
      <ErrorNotice error={boxes.error} />
      <p className="hint">{t('boxes.intro')}</p>
      {boxes.data?.length === 0 ? (
        <EmptyState titleKey="nav.boxes" bodyKey="boxes.empty" />
      ) : (
        <table className="boxes-table" data-testid="box-list">
          <thead>
            <tr>
              <th scope="col">{t('boxes.column.identity')}</th>
              <th scope="col">{t('boxes.column.model')}</th>
              <th scope="col">{t('boxes.column.site')}</th>
              <th scope="col">{t('boxes.column.connection')}</th>
              <th scope="col">{t('boxes.column.commissioning')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((box) => (
              <tr
                key={box.identity}
                data-testid={`box-row-${box.identity}`}
                data-commissioning={box.commissioning}
                data-connection={box.connection.state}
              >
                <th scope="row">
                  <a href={href('boxes', box.identity)}>{box.identity}</a>
                </th>
                <td>{[box.vendor, box.model].filter(Boolean).join(' ') || t('box.unknown')}</td>
                <td>{box.siteName ?? t('box.noSite')}</td>
                <td>{connectionText(t, language, box)}</td>
                <td>
                  {commissioningText(t, box)}
                  {box.attention && <strong className="badge badge-lobby"> {t('boxes.attention')}</strong>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
