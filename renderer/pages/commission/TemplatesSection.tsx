// The commissioning templates on the Commission page: the ones of the chosen site (or all), each
// with Edit and Delete, and the form to create one. A template is what a box is moved to.
import { useId, useState } from 'react';
import type { StoredTemplate } from '../../../main/commissioning/types.ts';
import { useAction, useConnection, useQuery } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { TemplateForm } from './TemplateForm.tsx';

type Editing = { template: StoredTemplate | null } | null;

export function TemplatesSection({
  siteId,
  onSite,
}: {
  siteId: number | null;
  onSite(id: number | null): void;
}) {
  const { t } = useI18n();
  const api = useConnection();
  const sites = useQuery('sites.list', {}, ['site']);
  const templates = useQuery('templates.list', siteId === null ? {} : { siteId }, ['template']);
  const [editing, setEditing] = useState<Editing>(null);
  const remove = useAction();
  const id = useId();
  const siteName = (sid: number | null) =>
    sid === null ? t('template.site.none') : (sites.data?.find((s) => s.id === sid)?.name ?? String(sid));

  return (
    <section aria-labelledby="templates-heading" data-testid="templates">
      <h3 id="templates-heading">{t('template.title')}</h3>
      <p className="hint">{t('template.intro')}</p>
      <div className="toolbar">
        <div className="field">
          <label htmlFor={`${id}-site`}>{t('template.site')}</label>
          <select
            id={`${id}-site`}
            value={siteId === null ? '' : String(siteId)}
            onChange={(e) => onSite(e.target.value === '' ? null : Number(e.target.value))}
          >
            <option value="">{t('template.site.all')}</option>
            {sites.data?.map((s) => (
              <option key={s.id} value={String(s.id)}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        {!editing && (
          <button type="button" onClick={() => setEditing({ template: null })} data-testid="template-new">
            {t('template.new')}
          </button>
        )}
      </div>
      <ErrorNotice error={templates.error ?? remove.error} />
      {templates.data?.length === 0 && <p className="hint">{t('template.empty')}</p>}
      {templates.data && templates.data.length > 0 && (
        <table data-testid="templates-table">
          <thead>
            <tr>
              <th scope="col">{t('template.name')}</th>
              <th scope="col">{t('template.url')}</th>
              <th scope="col">{t('template.securityProfile')}</th>
              <th scope="col">{t('template.site')}</th>
              <th scope="col">{t('template.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {templates.data.map((tpl) => (
              <tr key={tpl.id} data-testid={`template-${tpl.name}`}>
                <th scope="row">{tpl.name}</th>
                <td>
                  <code>{tpl.template.csms.url}</code>
                </td>
                <td>{tpl.template.csms.securityProfile}</td>
                <td>{siteName(tpl.siteId)}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => setEditing({ template: tpl })}
                    aria-label={t('template.edit.label', { name: tpl.name })}
                  >
                    {t('template.edit')}
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    disabled={remove.busy}
                    onClick={() => void remove.run(() => api.call('templates.delete', { id: tpl.id }))}
                    aria-label={t('template.delete.label', { name: tpl.name })}
                  >
                    {t('template.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <TemplateForm
          key={editing.template?.id ?? 'new'}
          editing={editing.template}
          siteId={siteId}
          onDone={() => setEditing(null)}
        />
      )}
    </section>
  );
}
