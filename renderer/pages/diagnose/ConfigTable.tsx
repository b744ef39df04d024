// The configuration of a box as a table: key, value (write-only values as a masked marker, never a
// value), read-only, write-only, and what changed since the previous read. A writable key opens its editor.
import { Fragment } from 'react';
import type { SettingResult } from '../../../main/ocpp/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ConfigRow } from './config-diff.ts';
import { SettingEditor } from './SettingEditor.tsx';

function Value({ row }: { row: ConfigRow }) {
  const { t } = useI18n();
  if (row.entry.writeOnly)
    return (
      <span className="masked" data-testid="masked">
        {t('config.writeOnly.masked')}
      </span>
    );
  if (row.entry.value === null) return <span className="hint">{t('config.value.none')}</span>;
  if (row.entry.value === '') return <span className="hint">{t('config.value.empty')}</span>;
  return <code>{row.entry.value}</code>;
}

function ChangeCell({ row }: { row: ConfigRow }) {
  const { t } = useI18n();
  if (!row.change || row.change === 'same') return null;
  return (
    <span className={`change change-${row.change}`}>
      {t(`config.change.${row.change}`)}
      {row.change === 'changed' && row.before !== null && (
        <>
          {' '}
          <span className="hint">{t('config.change.before', { value: row.before })}</span>
        </>
      )}
    </span>
  );
}

export function ConfigTable(props: {
  identity: string;
  rows: ConfigRow[];
  selectedKey: string | null;
  onSelect(key: string | null): void;
  onApplied(results: SettingResult[]): void;
}) {
  const { t } = useI18n();
  const yes = t('config.yes');

  function close(key: string) {
    // Back to the key the editor belonged to (its row stays), so the keyboard user keeps their place.
    document.getElementById(`config-key-${key}`)?.focus();
    props.onSelect(null);
  }

  return (
    <div className="table-scroll config-scroll">
      <table data-testid="config-table" className="config machine-values">
        <caption className="visually-hidden">{t('config.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('config.key')}</th>
            <th scope="col">{t('config.value')}</th>
            <th scope="col">{t('config.readonly')}</th>
            <th scope="col">{t('config.writeOnly')}</th>
            <th scope="col">{t('config.change')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => {
            const editable = !row.entry.readonly && row.change !== 'removed';
            const selected = props.selectedKey === row.key;
            return (
              <Fragment key={row.key}>
                <tr
                  className={`${row.change ? `row-${row.change}` : ''}${selected ? ' selected' : ''}`}
                  data-key={row.key}
                  data-change={row.change ?? undefined}
                >
                  <th scope="row">
                    {editable ? (
                      <button
                        type="button"
                        id={`config-key-${row.key}`}
                        className="link"
                        aria-expanded={selected}
                        onClick={() => props.onSelect(selected ? null : row.key)}
                      >
                        {row.key}
                        <span className="visually-hidden">{t('config.edit.hint')}</span>
                      </button>
                    ) : (
                      <span className="key">{row.key}</span>
                    )}
                  </th>
                  <td>
                    <Value row={row} />
                  </td>
                  <td>{row.entry.readonly ? yes : ''}</td>
                  <td>{row.entry.writeOnly ? yes : ''}</td>
                  <td>
                    <ChangeCell row={row} />
                  </td>
                </tr>
                {selected && (
                  <tr className="editor-row">
                    <td colSpan={5}>
                      <SettingEditor
                        identity={props.identity}
                        entry={row.entry}
                        onApplied={props.onApplied}
                        onClose={() => close(row.key)}
                      />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
