// "Compare configuration" on the Diagnose page: the last snapshot of one box against another box's or
// against a template (compared by the core, config.compare), the differences in words, exportable as CSV.
import { useEffect, useId, useState } from 'react';
import type { WireError } from '../../../main/api/errors.ts';
import type { CompareRow, ConfigComparison } from '../../../main/diagnostics/config-compare.ts';
import { asWireError, useConnection, useQuery } from '../../api/hooks.ts';
import type { BoxRow } from '../../api/ocpp-hooks.ts';
import { saveBlob } from '../../api/save-file.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { compareCsv } from './config-compare.ts';
import { ReplaceBox } from './ReplaceBox.tsx';

function valueA(row: CompareRow): string {
  if (row.change === 'removed') return '';
  return row.writeOnly ? '***' : (row.a ?? '');
}

function valueB(row: CompareRow): string {
  if (row.change === 'added') return '';
  return row.writeOnly ? '***' : (row.b ?? '');
}

export function ConfigCompare({ rows, identity }: { rows: BoxRow[]; identity: string }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const templates = useQuery('templates.list', {}, ['template']);
  const [boxA, setBoxA] = useState(identity);
  const firstOther = rows.find((r) => r.identity !== identity)?.identity;
  const [other, setOther] = useState(firstOther ? `box:${firstOther}` : '');
  const [loaded, setLoaded] = useState<ConfigComparison | null>(null);
  const [error, setError] = useState<WireError>();
  const [onlyDifferences, setOnlyDifferences] = useState(true);

  const template = other.startsWith('template:')
    ? templates.data?.find((s) => `template:${s.id}` === other)
    : undefined;
  const boxB = other.startsWith('box:') ? other.slice(4) : null;

  useEffect(() => {
    let live = true;
    setLoaded(null);
    setError(undefined);
    const templateId = template?.id;
    if (!boxB && templateId === undefined) return;
    const asked = boxB
      ? api.call('config.compare', { identity: boxA, against: boxB })
      : api.call('config.compare', { identity: boxA, templateId: templateId as number });
    asked.then((c) => live && setLoaded(c)).catch((e: unknown) => live && setError(asWireError(e)));
    return () => {
      live = false;
    };
  }, [api, boxA, boxB, template?.id]);

  const nameB = boxB ?? (template ? t('diff.templateName', { name: template.name }) : '');
  const result = loaded && !loaded.missing ? loaded.rows : null;

  const words = (row: CompareRow) =>
    row.change === 'added'
      ? t('diff.onlyOn', { name: boxA })
      : row.change === 'removed'
        ? template
          ? t('diff.missing')
          : t('diff.onlyOn', { name: nameB })
        : row.change === 'changed'
          ? t('diff.changed')
          : t('diff.same');
  const different = (result ?? []).filter((r) => r.change !== 'same');
  const shown = onlyDifferences ? different : (result ?? []);
  const missing = loaded?.missing ?? null;

  function exportCsv() {
    const csv = compareCsv(shown, [t('diff.key'), t('diff.change'), boxA, nameB], words, valueA, valueB);
    saveBlob(
      `config-diff-${boxA}-${nameB}.csv`.replace(/[^\w.-]+/g, '_'),
      new Blob([csv], { type: 'text/csv' }),
    );
  }

  return (
    <section aria-labelledby={`${id}-heading`} data-testid="config-compare">
      <h3 id={`${id}-heading`}>{t('diff.title')}</h3>
      <div className="toolbar">
        <label htmlFor={`${id}-a`}>{t('diff.box')}</label>
        <select id={`${id}-a`} value={boxA} onChange={(e) => setBoxA(e.target.value)}>
          {rows.map((r) => (
            <option key={r.identity} value={r.identity}>
              {r.identity}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-b`}>{t('diff.with')}</label>
        <select id={`${id}-b`} value={other} onChange={(e) => setOther(e.target.value)}>
          <option value="">{t('diff.choose')}</option>
          {rows
            .filter((r) => r.identity !== boxA)
            .map((r) => (
              <option key={r.identity} value={`box:${r.identity}`}>
                {t('diff.boxName', { name: r.identity })}
              </option>
            ))}
          {(templates.data ?? []).map((s) => (
            <option key={s.id} value={`template:${s.id}`}>
              {t('diff.templateName', { name: s.name })}
            </option>
          ))}
        </select>
        <label>
          <input
            type="checkbox"
            checked={onlyDifferences}
            onChange={(e) => setOnlyDifferences(e.target.checked)}
          />{' '}
          {t('diff.onlyDifferences')}
        </label>
      </div>
      <ErrorNotice error={error ?? templates.error} />
      {missing && <p className="hint">{t('diff.noSnapshot', { name: missing })}</p>}
      {result && (
        <>
          <p data-testid="diff-summary">
            {different.length === 0
              ? t('diff.none')
              : t('diff.summary', {
                  a: boxA,
                  b: nameB,
                  onlyA: result.filter((r) => r.change === 'added').length,
                  onlyB: result.filter((r) => r.change === 'removed').length,
                  changed: result.filter((r) => r.change === 'changed').length,
                })}
          </p>
          <div className="toolbar">
            <button
              type="button"
              className="secondary"
              disabled={shown.length === 0}
              data-testid="diff-export"
              onClick={exportCsv}
            >
              {t('diff.export')}
            </button>
          </div>
          {shown.length > 0 && (
            <div className="table-scroll">
              <table data-testid="diff-table" className="machine-values">
                <thead>
                  <tr>
                    <th scope="col">{t('diff.key')}</th>
                    <th scope="col">{t('diff.change')}</th>
                    <th scope="col">{boxA}</th>
                    <th scope="col">{nameB}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((row) => (
                    <tr key={row.key} data-key={row.key} data-change={row.change ?? ''}>
                      <td>{row.key}</td>
                      <td>{words(row)}</td>
                      <td>{valueA(row)}</td>
                      <td>{valueB(row)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      <ReplaceBox key={`replace-${boxA}`} rows={rows} identity={boxA} />
    </section>
  );
}
