// The live table of boxes: every box the local CSMS sees (and the ones known from before), with what
// it said at boot. Boxes in the lobby come first, clearly marked, each with its Admit button.
import type { BoxRow } from '../../api/ocpp-hooks.ts';
import { AdmitButton } from '../../components/AdmitButton.tsx';
import { BoxStateBadge } from '../../components/BoxStateBadge.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

function connectorText(connectors: Record<string, string>): string {
  return Object.entries(connectors)
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([id, status]) => `${id}: ${status}`)
    .join(', ');
}

export function BoxesTable({ rows }: { rows: BoxRow[] }) {
  const { t } = useI18n();
  const none = t('boxes.none');
  return (
    <div className="table-scroll">
      <table data-testid="boxes-table" className="boxes">
        <caption className="visually-hidden">{t('boxes.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('boxes.identity')}</th>
            <th scope="col">{t('boxes.state')}</th>
            <th scope="col">{t('boxes.ocpp')}</th>
            <th scope="col">{t('boxes.vendor')}</th>
            <th scope="col">{t('boxes.model')}</th>
            <th scope="col">{t('boxes.firmware')}</th>
            <th scope="col">{t('boxes.address')}</th>
            <th scope="col">{t('boxes.connectors')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const lobby = row.live && !row.admitted;
            return (
              <tr
                key={row.identity}
                className={lobby ? 'lobby' : undefined}
                data-testid={`box-${row.identity}`}
                data-state={lobby ? 'lobby' : row.state}
              >
                <th scope="row">
                  <code>{row.identity}</code>
                </th>
                <td>
                  <BoxStateBadge row={row} />
                  {lobby && (
                    <div className="lobby-action">
                      <span className="hint">{t('boxes.lobby.help')}</span>
                      <AdmitButton identity={row.identity} />
                    </div>
                  )}
                </td>
                <td>{row.ocppVersion ?? none}</td>
                <td>{row.vendor ?? none}</td>
                <td>{row.model ?? none}</td>
                <td>{row.firmware ?? none}</td>
                <td>{row.remoteAddress ?? none}</td>
                <td>{connectorText(row.connectors) || none}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
