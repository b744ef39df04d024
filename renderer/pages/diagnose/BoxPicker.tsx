// Chooses the box to diagnose among those the local CSMS sees and those the tool knows from before,
// and says in words whether it can be reached now (and admits it from the lobby).
import { useId } from 'react';
import type { BoxRow } from '../../api/ocpp-hooks.ts';
import { AdmitButton } from '../../components/AdmitButton.tsx';
import { BoxStateBadge, boxState } from '../../components/BoxStateBadge.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../routing/route.ts';

export function BoxPicker(props: { rows: BoxRow[]; identity: string; onPick(identity: string): void }) {
  const { t } = useI18n();
  const id = useId();
  const row = props.rows.find((r) => r.identity === props.identity);
  return (
    <div className="box-picker toolbar">
      <label htmlFor={id}>{t('boxes.pick')}</label>
      <select
        id={id}
        value={props.identity}
        onChange={(e) => props.onPick(e.target.value)}
        data-testid="box-picker"
      >
        {props.rows.map((r) => (
          <option key={r.identity} value={r.identity}>
            {t('boxes.pick.option', {
              identity: r.identity,
              state: t(`boxes.state.${boxState(r)}`),
              version: r.ocppVersion ?? '?',
            })}
          </option>
        ))}
      </select>
      {row && (
        <output aria-live="polite" className="box-picked" data-testid="box-picked">
          <BoxStateBadge row={row} />{' '}
          {row.vendor || row.model ? (
            <span>{[row.vendor, row.model, row.firmware].filter(Boolean).join(' · ')}</span>
          ) : null}
          <a href={href('boxes', row.identity)} data-testid="box-page-link">
            {t('box.title', { identity: row.identity })}
          </a>
        </output>
      )}
      {row?.live && !row.admitted && <AdmitButton identity={row.identity} />}
      {row && !row.live && <p className="hint">{t('boxes.pick.notLive')}</p>}
      {row?.live && row.admitted && row.state === 'offline' && (
        <p className="hint">{t('boxes.pick.offline')}</p>
      )}
    </div>
  );
}
