// The live table of boxes: every box the local CSMS sees (and the ones known from before), with what
// it said at boot. Boxes in the lobby come first, clearly marked, each with its Admit button; connected
// boxes can be chosen for a fleet run or commissioned one by one.
import type { BoxRow } from '../../api/ocpp-hooks.ts';
import { AdmitButton } from '../../components/AdmitButton.tsx';
import { BoxStateBadge } from '../../components/BoxStateBadge.tsx';
import { SyncBadge } from '../../components/SyncBadge.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../routing/route.ts';

function connectorText(connectors: Record<string, string>): string {
  return Object.entries(connectors)
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([id, status]) => `${id}: ${status}`)
    .join(', ');
}

/** Connected and admitted: a box the tool can commission now. */
export const commissionable = (row: BoxRow) => row.live && row.admitted && row.state === 'connected';

export function BoxesTable(props: {
  rows: BoxRow[];
  selected: ReadonlySet<string>;
  onToggle(identity: string): void;
  onCommission(identity: string): void;
}) {
  const { rows } = props;
  const { t } = useI18n();
  const none = t('boxes.none');
  return (
    <div className="table-scroll">
      <table data-testid="boxes-table" className="boxes">
        <caption className="visually-hidden">{t('boxes.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">{t('fleet.select')}</span>
            </th>
            <th scope="col">{t('boxes.identity')}</th>
            <th scope="col">{t('boxes.state')}</th>
            <th scope="col">{t('boxes.ocpp')}</th>
            <th scope="col">
              {t('boxes.vendor')}
              <span className="sub">{t('boxes.model')}</span>
            </th>
            <th scope="col">{t('boxes.firmware')}</th>
            <th scope="col" className="wide-only">
              {t('boxes.address')}
            </th>
            <th scope="col">{t('boxes.connectors')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('run.ui.commission.column')}</span>
            </th>
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
                <td>
                  {(commissionable(row) || (lobby && row.state === 'connected')) && (
                    <input
                      type="checkbox"
                      checked={props.selected.has(row.identity)}
                      onChange={() => props.onToggle(row.identity)}
                      aria-label={t(lobby ? 'csms.lan.selectLobby' : 'fleet.select.label', {
                        identity: row.identity,
                      })}
                      data-testid={`select-${row.identity}`}
                    />
                  )}
                </td>
                <th scope="row">
                  <a href={href('boxes', row.identity)} data-testid={`box-link-${row.identity}`}>
                    <code>{row.identity}</code>
                  </a>
                  <SyncBadge station={row.identity} />
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
                <td className="nowrap">{row.ocppVersion ?? none}</td>
                <td>
                  <span>{row.vendor ?? none}</span>
                  <span className="sub">{row.model ?? none}</span>
                </td>
                <td>{row.firmware ?? none}</td>
                <td className="wide-only nowrap">{row.remoteAddress ?? none}</td>
                <td>{connectorText(row.connectors) || none}</td>
                <td>
                  {commissionable(row) && (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => props.onCommission(row.identity)}
                      aria-label={t('run.ui.commission.label', { identity: row.identity })}
                      data-testid={`commission-${row.identity}`}
                    >
                      {t('run.ui.commission')}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
