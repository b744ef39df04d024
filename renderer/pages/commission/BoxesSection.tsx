// The boxes part of the Commission page: a spoken summary (how many connected, how many waiting in
// the lobby), the live table, or, with no box yet, what to do to get one.
import type { BoxRow } from '../../api/ocpp-hooks.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BoxesTable } from './BoxesTable.tsx';

export function BoxesSection({ rows, running }: { rows: BoxRow[]; running: boolean }) {
  const { t } = useI18n();
  const connected = rows.filter((r) => r.live && r.state === 'connected' && r.admitted).length;
  const lobby = rows.filter((r) => r.live && !r.admitted).length;
  return (
    <section aria-labelledby="boxes-heading">
      <h3 id="boxes-heading">{t('commission.boxes')}</h3>
      <output aria-live="polite" className="boxes-summary" data-testid="boxes-summary">
        {rows.length === 0
          ? t(running ? 'boxes.empty.running' : 'boxes.empty.stopped')
          : t('boxes.summary', { connected, lobby, total: rows.length })}
      </output>
      {rows.length > 0 && <BoxesTable rows={rows} />}
    </section>
  );
}
