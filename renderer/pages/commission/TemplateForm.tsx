// Creating or changing a commissioning template: every field of the template, by keyboard, with the
// core's validation errors shown next to the fields they name. Enter in a field saves.
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { StoredTemplate } from '../../../main/commissioning/types.ts';
import profiles from '../../../resources/profiles/ocpp16-url-keys.json' with { type: 'json' };
import { useAction, useConnection, useQuery } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { FieldIssues, issuesFor } from '../../components/FieldIssues.tsx';
import { useFocusFirstError } from '../../components/focus-first-error.ts';
import { TextField } from '../../components/TextField.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { draftOf, emptyDraft, type TemplateDraft, templateOf } from './template-draft.ts';

const shown = [
  'name',
  'csms.url',
  'csms.securityProfile',
  'csms.caCertificate',
  'heartbeatIntervalS',
  'meterValues',
  'maxCurrentA',
  'groups',
  'urlProfile',
  'urlKey',
  'verifyWindowS',
].map((p) => `template.${p}`);

export function TemplateForm(props: {
  editing: StoredTemplate | null;
  siteId: number | null;
  onDone(saved: StoredTemplate | null): void;
}) {
  const { t } = useI18n();
  const api = useConnection();
  const groups = useQuery('groups.list', {}, ['group']);
  const [draft, setDraft] = useState<TemplateDraft>(() =>
    props.editing ? draftOf(props.editing.template) : emptyDraft,
  );
  const { busy, error, run } = useAction();
  const id = useId();
  const form = useRef<HTMLFormElement>(null);
  // Opened by keyboard, the form takes the focus at its first field.
  useEffect(() => form.current?.querySelector('input')?.focus(), []);
  useFocusFirstError(form, error);
  const set =
    <K extends keyof TemplateDraft>(key: K) =>
    (value: TemplateDraft[K]) =>
      setDraft((d) => ({ ...d, [key]: value }));
  const at = (...paths: string[]) =>
    issuesFor(
      error,
      paths.map((p) => `template.${p}`),
    );
  const other = error && {
    ...error,
    fields: error.fields.filter((f) => !issuesFor(error, shown).includes(f)),
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    let saved: StoredTemplate | null = null;
    const siteId = props.editing ? props.editing.siteId : props.siteId;
    const settings = props.editing?.template.settings ?? {};
    const ok = await run(async () => {
      saved = await api.call('templates.save', { siteId, template: templateOf(draft, settings) });
    });
    if (ok) props.onDone(saved);
  }

  return (
    <form ref={form} className="template-form" onSubmit={save} noValidate data-testid="template-form">
      <h4>
        {props.editing ? t('template.edit.title', { name: props.editing.name }) : t('template.new.title')}
      </h4>
      <TextField
        label={t('template.name')}
        value={draft.name}
        onChange={set('name')}
        issues={at('name')}
        testId="template-name"
      />
      <fieldset>
        <legend>{t('template.csms')}</legend>
        <TextField
          label={t('template.url')}
          help={t('template.url.help')}
          value={draft.url}
          onChange={set('url')}
          issues={at('csms.url', 'csms')}
          testId="template-url"
        />
        <div className="field">
          <label htmlFor={`${id}-sp`}>{t('template.securityProfile')}</label>
          <select
            id={`${id}-sp`}
            value={draft.securityProfile}
            onChange={(e) => set('securityProfile')(e.target.value)}
            data-testid="template-security-profile"
          >
            {[0, 1, 2, 3].map((n) => (
              <option key={n} value={String(n)}>
                {t(`template.securityProfile.${n}`)}
              </option>
            ))}
          </select>
          <FieldIssues id={`${id}-sp-issues`} issues={at('csms.securityProfile')} />
        </div>
        <TextField
          label={t('template.caCertificate')}
          help={t('template.caCertificate.help')}
          multiline
          value={draft.caCertificate}
          onChange={set('caCertificate')}
          issues={at('csms.caCertificate')}
        />
      </fieldset>
      <fieldset>
        <legend>{t('template.behaviour')}</legend>
        <TextField
          label={t('template.heartbeat')}
          type="number"
          value={draft.heartbeatIntervalS}
          onChange={set('heartbeatIntervalS')}
          issues={at('heartbeatIntervalS')}
        />
        <TextField
          label={t('template.sampleInterval')}
          type="number"
          value={draft.sampleIntervalS}
          onChange={set('sampleIntervalS')}
          issues={at('meterValues.sampleIntervalS')}
        />
        <TextField
          label={t('template.measurands')}
          help={t('template.measurands.help')}
          value={draft.measurands}
          onChange={set('measurands')}
          issues={at('meterValues.measurands')}
        />
        <TextField
          label={t('template.maxCurrent')}
          type="number"
          value={draft.maxCurrentA}
          onChange={set('maxCurrentA')}
          issues={at('maxCurrentA')}
        />
        <div className="field checkbox">
          <input
            id={`${id}-list`}
            type="checkbox"
            checked={draft.listEnabled}
            onChange={(e) => set('listEnabled')(e.target.checked)}
          />
          <label htmlFor={`${id}-list`}>{t('template.listEnabled')}</label>
        </div>
        <div className="field checkbox">
          <input
            id={`${id}-offline`}
            type="checkbox"
            checked={draft.offline}
            onChange={(e) => set('offline')(e.target.checked)}
          />
          <label htmlFor={`${id}-offline`}>{t('template.offline')}</label>
        </div>
        <fieldset className="field template-groups" aria-describedby={`${id}-groups-help`}>
          <legend>{t('template.groups')}</legend>
          {groups.data?.map((g) => (
            <div key={g.id} className="field checkbox">
              <input
                id={`${id}-group-${g.id}`}
                type="checkbox"
                checked={draft.groups.includes(g.name)}
                onChange={(e) =>
                  set('groups')(
                    e.target.checked
                      ? [...draft.groups, g.name]
                      : draft.groups.filter((name) => name !== g.name),
                  )
                }
                data-testid={`template-group-${g.name}`}
              />
              <label htmlFor={`${id}-group-${g.id}`}>
                {t('template.group.option', { name: g.name, cards: g.cardCount })}
              </label>
            </div>
          ))}
          <span className="hint field-help" id={`${id}-groups-help`}>
            {t(groups.data?.length ? 'template.groups.help' : 'template.groups.none')}
          </span>
          <FieldIssues id={`${id}-groups-issues`} issues={at('groups')} />
        </fieldset>
      </fieldset>
      <fieldset>
        <legend>{t('template.ocpp16')}</legend>
        <div className="field">
          <label htmlFor={`${id}-profile`}>{t('template.urlProfile')}</label>
          <select
            id={`${id}-profile`}
            value={draft.urlProfile}
            onChange={(e) => set('urlProfile')(e.target.value)}
          >
            <option value="">{t('template.urlProfile.auto')}</option>
            {profiles.profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {t('template.urlProfile.option', { id: p.id, key: p.urlKey })}
              </option>
            ))}
            <option value="own">{t('template.urlProfile.own')}</option>
          </select>
          <FieldIssues id={`${id}-profile-issues`} issues={at('urlProfile')} />
        </div>
        {draft.urlProfile === 'own' && (
          <TextField
            label={t('template.urlKey')}
            value={draft.urlKey}
            onChange={set('urlKey')}
            issues={at('urlKey')}
          />
        )}
      </fieldset>
      <TextField
        label={t('template.verifyWindow')}
        help={t('template.verifyWindow.help')}
        type="number"
        value={draft.verifyWindowS}
        onChange={set('verifyWindowS')}
        issues={at('verifyWindowS')}
        testId="template-verify-window"
      />
      <div className="toolbar">
        <button type="submit" disabled={busy} data-testid="template-save">
          {t('template.save')}
        </button>
        <button type="button" className="secondary" onClick={() => props.onDone(null)} disabled={busy}>
          {t('template.cancel')}
        </button>
      </div>
      <ErrorNotice error={other} />
    </form>
  );
}
