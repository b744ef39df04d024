// The boxes part of the Commission page: a spoken summary (how many connected, how many waiting in
// the lobby), the live table with the boxes chosen for commissioning, or what to do to get a box.
import type { BoxRow } from '../../api/ocpp-hooks.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BoxesTable, commissionable } from './BoxesTable.tsx';
import { LobbyActions } from './LobbyActions.tsx';

export function BoxesSection(props: {
  rows: BoxRow[];
  running: boolean;
  selected: ReadonlySet<string>;
  onSelect(selected: ReadonlySet<string>): void;
  onCommission(identities: string[], fleet: boolean): void;
}) {
  const { t } = useI18n();
  const { rows, selected } = props;
  const connected = rows.filter((r) => r.live && r.state === 'connected' && r.admitted).length;
  const waiting = rows.filter((r) => r.live && !r.admitted && r.state === 'connected').map((r) => r.identity);
  const lobby = rows.filter((r) => r.live && !r.admitted).length;
  const ready = rows.filter(commissionable).map((r) => r.identity);
  const chosen = ready.filter((id) => selected.has(id));
  const all = ready.length > 0 && chosen.length === ready.length;
  return (
    <section aria-labelledby="boxes-heading">
      <h3 id="boxes-heading">{t('commission.boxes')}</h3>
      <output aria-live="polite" className="boxes-summary" data-testid="boxes-summary">
        {rows.length === 0
          ? t(props.running ? 'boxes.empty.running' : 'boxes.empty.stopped')
          : t('boxes.summary', { connected, lobby, total: rows.length })}
      </output>
      {waiting.length > 0 && (
        <LobbyActions
          waiting={waiting}
          selected={waiting.filter((id) => selected.has(id))}
          onAdmitted={() => props.onSelect(new Set(chosen))}
        />
      )}
      {ready.length > 0 && (
        <div className="toolbar">
          <div className="field checkbox">
            <input
              id="select-all-connected"
              type="checkbox"
              checked={all}
              onChange={() => props.onSelect(new Set(all ? [] : ready))}
              data-testid="select-all"
            />
            <label htmlFor="select-all-connected">{t('fleet.selectAll', { count: ready.length })}</label>
          </div>
          <button
            type="button"
            disabled={chosen.length === 0}
            onClick={() => props.onCommission(chosen, true)}
            data-testid="commission-selected"
          >
            {t('fleet.commissionSelected', { count: chosen.length })}
          </button>
        </div>
      )}
      {rows.length > 0 && (
        <BoxesTable
          rows={rows}
          selected={selected}
          onToggle={(identity) => {
            const next = new Set(selected);
            if (!next.delete(identity)) next.add(identity);
            props.onSelect(next);
          }}
          onCommission={(identity) => props.onCommission([identity], false)}
        />
      )}
    </section>
  );
}
