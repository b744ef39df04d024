// Renaming a group (name and tag) and deleting it: a group that holds cards or is allowed on boxes is
// deleted only after the user has read what happens to them and confirmed.
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { Group } from '../../../main/api/types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { SaveCancel } from '../../components/SaveCancel.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

function RenameForm(props: { group: Group; onDone(): void }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const [name, setName] = useState(props.group.name);
  const [tag, setTag] = useState(props.group.groupIdTag);
  const action = useAction();
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  async function save(event: FormEvent) {
    event.preventDefault();
    const saved = await action.run(() =>
      api.call('groups.update', { id: props.group.id, name, groupIdTag: tag }),
    );
    if (saved) props.onDone();
  }

  return (
    <form
      className="group-rename"
      onSubmit={save}
      onKeyDown={(e) => e.key === 'Escape' && props.onDone()}
      data-testid="group-rename"
    >
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('cards.group.name')}</label>
        <input
          ref={first}
          id={`${id}-name`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="group-rename-name"
        />
      </div>
      <TextField
        label={t('cards.group.tag')}
        value={tag}
        onChange={setTag}
        help={t('groups.rename.tagHelp')}
        issues={action.error?.fields.filter((f) => f.path === 'groupIdTag') ?? []}
      />
      <SaveCancel
        saveKey="groups.rename.save"
        action={action}
        onCancel={props.onDone}
        testId="group-rename-save"
      />
    </form>
  );
}

export function GroupActions(props: { group: Group }) {
  const { t } = useI18n();
  const api = useConnection();
  const { group } = props;
  const [mode, setMode] = useState<'idle' | 'rename' | 'delete'>('idle');
  const action = useAction();
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (mode === 'delete') confirm.current?.focus();
  }, [mode]);

  if (mode === 'rename') return <RenameForm group={group} onDone={() => setMode('idle')} />;
  if (mode === 'delete') {
    const held = group.cardCount > 0 || group.stationCount > 0;
    const question = held
      ? t('groups.delete.askHeld', { name: group.name, cards: group.cardCount, boxes: group.stationCount })
      : t('groups.delete.ask', { name: group.name });
    return (
      <fieldset className="row-actions confirm">
        <legend data-testid="group-delete-question">{question}</legend>
        <button
          ref={confirm}
          type="button"
          className="danger"
          onClick={() =>
            void action.run(() =>
              api.call('groups.delete', { id: group.id, cards: 'ungroup', boxes: 'detach' }),
            )
          }
          data-testid="group-delete-confirm"
        >
          {t('groups.delete.confirm')}
        </button>
        <button type="button" className="secondary" onClick={() => setMode('idle')}>
          {t('cards.edit.cancel')}
        </button>
        <ErrorNotice error={action.error} />
      </fieldset>
    );
  }
  return (
    <div className="row-actions">
      <button
        type="button"
        className="secondary"
        onClick={() => setMode('rename')}
        aria-label={t('groups.rename.label', { name: group.name })}
        data-testid={`group-rename-open-${group.name}`}
      >
        {t('groups.rename')}
      </button>
      <button
        type="button"
        className="secondary"
        onClick={() => setMode('delete')}
        aria-label={t('groups.delete.label', { name: group.name })}
        data-testid={`group-delete-${group.name}`}
      >
        {t('groups.delete')}
      </button>
    </div>
  );
}
