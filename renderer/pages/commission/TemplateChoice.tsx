// Choosing the template a run starts with, the same on the Commission and the Connect page: the saved
// templates by name and CSMS address, the first one preselected, a notice when there is none yet.
import { type RefObject, useEffect, useId, useState } from 'react';
import { useQuery } from '../../api/hooks.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export function useTemplateChoice() {
  const templates = useQuery('templates.list', {}, ['template']);
  const [templateId, setTemplateId] = useState('');
  const first = templates.data?.[0];
  useEffect(() => {
    if (templateId === '' && first) setTemplateId(String(first.id));
  }, [first, templateId]);
  const chosen = templates.data?.find((tpl) => String(tpl.id) === templateId);
  return { templates: templates.data, templateId, setTemplateId, chosen };
}

export function TemplateChoice(props: {
  choice: ReturnType<typeof useTemplateChoice>;
  testId: string;
  selectRef?: RefObject<HTMLSelectElement | null>;
}) {
  const { t } = useI18n();
  const id = useId();
  const { templates, templateId, setTemplateId } = props.choice;
  if (templates?.length === 0) return <p className="notice">{t('run.ui.start.noTemplate')}</p>;
  return (
    <div className="field">
      <label htmlFor={`${id}-template`}>{t('run.ui.start.template')}</label>
      <select
        ref={props.selectRef}
        id={`${id}-template`}
        value={templateId}
        onChange={(e) => setTemplateId(e.target.value)}
        data-testid={props.testId}
      >
        {templates?.map((tpl) => (
          <option key={tpl.id} value={String(tpl.id)}>
            {t('run.ui.start.option', { name: tpl.name, url: tpl.template.csms.url })}
          </option>
        ))}
      </select>
    </div>
  );
}
