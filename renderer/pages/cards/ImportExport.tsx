// Card lists in and out: a CSV file (or pasted text) is checked row by row and imported only when the
// user confirms the preview; exports for a spreadsheet, SteVe or OCPI are downloaded as files.
import { useEffect, useId, useRef, useState } from 'react';
import type { WireError } from '../../../main/api/errors.ts';
import type { ExportShape, ImportPreview, ImportRowView } from '../../../main/cards/types.ts';
import { useAction, useConnection, useQuery } from '../../api/hooks.ts';
import { saveBlob } from '../../api/save-file.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { GroupOptions } from '../../components/GroupOptions.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

const MAX_BYTES = 50 * 1024 * 1024;

/** The file's text as Excel saved it: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252. */
function decode(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function download(name: string, content: string, mime: string) {
  saveBlob(name, new Blob([content], { type: `${mime};charset=utf-8` }));
}

function asWire(issue: ImportRowView['issues'][number]): WireError {
  return { code: issue.code, params: issue.params, message: '', remedy: '', fields: [] };
}

/** The rows of a preview; rows that name no group show the group they get (the form's choice), if any. */
function PreviewRows({ rows, defaultGroup }: { rows: ImportRowView[]; defaultGroup: string | null }) {
  const { t, describe } = useI18n();
  return (
    <div className="table-scroll">
      <table data-testid="import-rows">
        <caption className="visually-hidden">{t('cards.io.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('cards.io.col.row')}</th>
            <th scope="col">{t('cards.io.col.status')}</th>
            <th scope="col">{t('cards.io.col.uid')}</th>
            <th scope="col">{t('cards.io.col.label')}</th>
            <th scope="col">{t('cards.io.col.group')}</th>
            <th scope="col">{t('cards.io.col.issue')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.row} data-status={row.status} data-testid={`import-row-${row.row}`}>
              <th scope="row">{row.row}</th>
              <td
                className={
                  row.status === 'error' ? 'status-failed' : row.status === 'ok' ? 'status-succeeded' : ''
                }
              >
                {t(`cards.io.status.${row.status}`)}
              </td>
              <td>
                <code>{row.uidHex ?? row.uidText}</code>
              </td>
              <td>{row.label ?? ''}</td>
              <td>{row.group ?? defaultGroup ?? ''}</td>
              <td>
                {row.issues.map((issue) => (
                  <p key={`${issue.code}:${JSON.stringify(issue.params)}`} className="hint">
                    {describe(asWire(issue)).message}
                  </p>
                ))}
                {row.known && row.changes?.length === 0 && <p className="hint">{t('cards.io.unchanged')}</p>}
                {row.changes?.map((c) => (
                  <p key={c.field} className="hint">
                    {t('cards.io.change', {
                      field: t(`cards.field.${c.field}`),
                      before: c.before ?? '–',
                      after: c.after ?? '–',
                    })}
                  </p>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ImportPanel() {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const groups = useQuery('groups.list', {}, ['group']);
  const [text, setText] = useState('');
  const [groupId, setGroupId] = useState('');
  const [createGroups, setCreateGroups] = useState(false);
  const [preview, setPreview] = useState<ImportPreview>();
  const [done, setDone] = useState('');
  const [tooLarge, setTooLarge] = useState('');
  const action = useAction();
  const heading = useRef<HTMLHeadingElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const doneMessage = useRef<HTMLOutputElement>(null);

  // Anything that changes what the rows would become makes a shown preview stale: it goes, so the
  // user never confirms a preview made with other choices than those on the screen.
  const changed = () => setPreview(undefined);

  // A new preview takes the focus to its heading (a screen reader says the summary first); an import
  // done takes it to its result, as the Confirm button that had it is gone. After React drew them.
  useEffect(() => {
    if (preview) heading.current?.focus();
  }, [preview]);
  useEffect(() => {
    if (done) doneMessage.current?.focus();
  }, [done]);

  const check = (create = createGroups) =>
    !action.busy &&
    action.run(async () => {
      setDone('');
      const result = await api.call('cards.importPreview', {
        csv: text,
        createGroups: create,
        ...(groupId ? { groupId: Number(groupId) } : {}),
      });
      setPreview(result);
    });

  const pick = async (file: File | undefined) => {
    setPreview(undefined);
    setTooLarge('');
    setDone('');
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setTooLarge(
        t('error.CARDS_CSV_TOO_LARGE.message', {
          size: (file.size / 1048576).toFixed(1),
          max: (MAX_BYTES / 1048576).toFixed(1),
        }),
      );
      return;
    }
    setText(decode(new Uint8Array(await file.arrayBuffer())));
  };

  const commit = (token: string) =>
    !action.busy &&
    action.run(async () => {
      const result = await api.call('cards.importCommit', { token });
      setPreview(undefined);
      setText('');
      // The same file picked again must fire a change: the input forgets the imported one.
      if (fileInput.current) fileInput.current.value = '';
      setDone(t('cards.io.done', { imported: result.imported, skipped: result.skipped }));
    });

  // The focus moves before the Discard button that has it goes, so it never falls to the page body.
  const discard = () => {
    textArea.current?.focus();
    setPreview(undefined);
  };

  return (
    <form
      className="import-form"
      noValidate
      data-testid="import-form"
      onSubmit={(e) => {
        e.preventDefault();
        void check();
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-file`}>{t('cards.io.file')}</label>
        <input
          ref={fileInput}
          id={`${id}-file`}
          type="file"
          accept=".csv,.txt,text/csv,text/plain"
          onChange={(e) => void pick(e.target.files?.[0])}
          data-testid="import-file"
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-paste`}>{t('cards.io.paste')}</label>
        <textarea
          ref={textArea}
          id={`${id}-paste`}
          rows={5}
          spellCheck={false}
          value={text.length > 20_000 ? `${text.slice(0, 20_000)}\n…` : text}
          readOnly={text.length > 20_000}
          onChange={(e) => {
            setText(e.target.value);
            setDone('');
            changed();
          }}
          data-testid="import-text"
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-group`}>{t('cards.io.group')}</label>
        <select
          id={`${id}-group`}
          value={groupId}
          onChange={(e) => {
            setGroupId(e.target.value);
            changed();
          }}
          data-testid="import-group"
        >
          <option value="">{t('cards.io.group.none')}</option>
          <GroupOptions groups={groups.data ?? []} />
        </select>
      </div>
      <div className="field checkbox">
        <input
          id={`${id}-create`}
          type="checkbox"
          checked={createGroups}
          onChange={(e) => {
            setCreateGroups(e.target.checked);
            changed();
          }}
          data-testid="import-create-groups"
        />
        <label htmlFor={`${id}-create`}>{t('cards.io.createGroups')}</label>
      </div>
      <div className="toolbar">
        {/* Busy is aria-disabled, not disabled: a disabled button drops the keyboard focus to the page body. */}
        <button
          type="submit"
          disabled={text.trim() === ''}
          aria-disabled={action.busy}
          data-testid="import-check"
        >
          {t('cards.io.read')}
        </button>
      </div>
      {tooLarge && (
        <p className="error-message" role="alert">
          {tooLarge}
        </p>
      )}
      <ErrorNotice error={action.error ?? groups.error} />
      {done && (
        <output aria-live="polite" tabIndex={-1} ref={doneMessage} data-testid="import-done">
          {done}
        </output>
      )}
      {preview && (
        <section aria-labelledby={`${id}-preview`} data-testid="import-preview">
          <h4 id={`${id}-preview`} ref={heading} tabIndex={-1}>
            {t('cards.io.summary', preview.counts)}
          </h4>
          <p className="hint" data-testid="import-columns">
            {t('cards.io.columns', {
              mapping: preview.columns.mapping
                .map((m) => `${t(`cards.field.${m.field}`)} ← "${m.header}"`)
                .join(', '),
            })}{' '}
            {preview.columns.ignored.length > 0
              ? t('cards.io.ignored', { names: preview.columns.ignored.map((h) => `"${h}"`).join(', ') })
              : t('cards.io.noIgnored')}{' '}
            {t('cards.io.validUntilZone', { zone: preview.validUntilZone })}
          </p>
          {preview.counts.updates + preview.counts.unchanged > 0 && (
            <p className="hint" data-testid="import-updates">
              {t('cards.io.updates', preview.counts)}
            </p>
          )}
          {preview.unknownGroups.length > 0 && (
            <p className="hint">
              {t('cards.io.unknownGroups', { names: preview.unknownGroups.map((g) => g.name).join(', ') })}{' '}
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setCreateGroups(true);
                  void check(true);
                }}
                data-testid="import-create-missing"
              >
                {t('cards.io.createGroups')}
              </button>
            </p>
          )}
          {preview.groupsToCreate.length > 0 && (
            <p className="hint">
              {t('cards.io.groupsToCreate', { names: preview.groupsToCreate.join(', ') })}
            </p>
          )}
          <PreviewRows
            rows={preview.rows}
            defaultGroup={groups.data?.find((g) => String(g.id) === groupId)?.name ?? null}
          />
          {preview.rowsTruncated && <p className="hint">{t('cards.io.truncated')}</p>}
          <div className="toolbar">
            <button
              type="button"
              disabled={preview.counts.ok - preview.counts.unchanged === 0}
              aria-disabled={action.busy}
              onClick={() => void commit(preview.token)}
              data-testid="import-confirm"
            >
              {t('cards.io.confirm', { count: preview.counts.ok - preview.counts.unchanged })}
            </button>
            <button type="button" className="secondary" onClick={discard} data-testid="import-discard">
              {t('cards.io.discard')}
            </button>
          </div>
        </section>
      )}
    </form>
  );
}

function ExportPanel() {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const groups = useQuery('groups.list', {}, ['group']);
  const [groupId, setGroupId] = useState('');
  const [semicolon, setSemicolon] = useState(false);
  const [countryCode, setCountryCode] = useState('');
  const [partyId, setPartyId] = useState('');
  const [written, setWritten] = useState('');
  const action = useAction();

  const run = (shape: ExportShape) =>
    !action.busy &&
    action.run(async () => {
      setWritten('');
      const file = await api.call('cards.export', {
        shape,
        ...(groupId ? { groupId: Number(groupId) } : {}),
        ...(semicolon ? { delimiter: ';' as const } : {}),
        ...(shape === 'ocpi' ? { countryCode, partyId } : {}),
      });
      download(file.filename, file.content, file.mime);
      setWritten(t('cards.io.export.done', { count: file.count, file: file.filename }));
    });

  return (
    <div className="export-panel" data-testid="export-panel">
      <div className="field">
        <label htmlFor={`${id}-group`}>{t('cards.io.export.group')}</label>
        <select
          id={`${id}-group`}
          value={groupId}
          onChange={(e) => setGroupId(e.target.value)}
          data-testid="export-group"
        >
          <option value="">{t('cards.io.export.all')}</option>
          <GroupOptions groups={groups.data ?? []} />
        </select>
      </div>
      <div className="field checkbox">
        <input
          id={`${id}-semicolon`}
          type="checkbox"
          checked={semicolon}
          onChange={(e) => setSemicolon(e.target.checked)}
          data-testid="export-semicolon"
        />
        <label htmlFor={`${id}-semicolon`}>{t('cards.io.export.semicolon')}</label>
      </div>
      <div className="field">
        <label htmlFor={`${id}-country`}>{t('cards.io.export.country')}</label>
        <input
          id={`${id}-country`}
          value={countryCode}
          maxLength={2}
          autoComplete="off"
          onChange={(e) => setCountryCode(e.target.value)}
          data-testid="export-country"
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-party`}>{t('cards.io.export.party')}</label>
        <input
          id={`${id}-party`}
          value={partyId}
          maxLength={3}
          autoComplete="off"
          onChange={(e) => setPartyId(e.target.value)}
          data-testid="export-party"
        />
      </div>
      <div className="toolbar">
        {(['plain', 'steve', 'ocpi'] as const).map((shape) => (
          <button
            key={shape}
            type="button"
            className="secondary"
            aria-disabled={action.busy}
            onClick={() => void run(shape)}
            data-testid={`export-${shape}`}
          >
            {t(`cards.io.export.${shape}`)}
          </button>
        ))}
      </div>
      <ErrorNotice error={action.error ?? groups.error} />
      {written && (
        <output aria-live="polite" data-testid="export-done">
          {written}
        </output>
      )}
    </div>
  );
}

/** Mounted by the cards page: the import form above, the export buttons below. */
export function ImportExport() {
  const { t } = useI18n();
  const id = useId();
  return (
    <section aria-labelledby={`${id}-title`} className="import-export" data-testid="import-export">
      <h3 id={`${id}-title`}>{t('cards.io.title')}</h3>
      <ImportPanel />
      <h4>{t('cards.io.export')}</h4>
      <ExportPanel />
    </section>
  );
}
