// Changing a stored card: its label, owner, validity and group in a small form, blocking and unblocking
// it (it stays and goes to its boxes as Blocked), and deleting it only after a second, explicit click.
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { Card, Group } from '../../../main/api/types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { GroupOptions } from '../../components/GroupOptions.tsx';
import { SaveCancel } from '../../components/SaveCancel.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { endOfDay, uidPairs } from './card-text.ts';

/** A stored instant as the value of a date field, local time ("2026-12-31"); '' for none. */
function dayOf(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function CardEditForm(props: { card: Card; groups: Group[]; onDone(): void }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  const { card } = props;
  const [label, setLabel] = useState(card.label ?? '');
  const [owner, setOwner] = useState(card.owner ?? '');
  const [valid, setValid] = useState(dayOf(card.validUntil));
  const [group, setGroup] = useState(card.groupId === null ? '' : String(card.groupId));
  const action = useAction();
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  async function save(event: FormEvent) {
    event.preventDefault();
    const saved = await action.run(() =>
      api.call('cards.update', {
        id: card.id,
        label: label.trim() === '' ? null : label,
        owner: owner.trim() === '' ? null : owner,
        validUntil: valid === '' ? null : (endOfDay(valid) ?? valid),
        groupId: group === '' ? null : Number(group),
      }),
    );
    if (saved) props.onDone();
  }

  return (
    <form
      className="card-edit"
      onSubmit={save}
      aria-labelledby={`${id}-title`}
      data-testid="card-edit"
      onKeyDown={(e) => e.key === 'Escape' && props.onDone()}
    >
      <h4 id={`${id}-title`}>{t('cards.edit.title', { uid: uidPairs(card.uidHex) })}</h4>
      <div className="field">
        <label htmlFor={`${id}-label`}>{t('cards.col.label')}</label>
        <input
          ref={first}
          id={`${id}-label`}
          value={label}
          maxLength={60}
          onChange={(e) => setLabel(e.target.value)}
          data-testid="card-edit-label"
        />
      </div>
      <TextField
        label={t('cards.col.owner')}
        value={owner}
        onChange={setOwner}
        issues={action.error?.fields.filter((f) => f.path === 'owner') ?? []}
        testId="card-edit-owner"
      />
      <div className="field">
        <label htmlFor={`${id}-valid`}>{t('cards.col.validUntil')}</label>
        <input
          id={`${id}-valid`}
          type="date"
          value={valid}
          onChange={(e) => setValid(e.target.value)}
          aria-describedby={`${id}-valid-help`}
          data-testid="card-edit-valid"
        />
        <span className="hint field-help" id={`${id}-valid-help`}>
          {t('cards.edit.validHelp')}
        </span>
      </div>
      <div className="field">
        <label htmlFor={`${id}-group`}>{t('cards.col.group')}</label>
        <select
          id={`${id}-group`}
          value={group}
          onChange={(e) => setGroup(e.target.value)}
          data-testid="card-edit-group"
        >
          <option value="">{t('cards.table.noGroup')}</option>
          <GroupOptions groups={props.groups} />
        </select>
      </div>
      <SaveCancel saveKey="cards.edit.save" action={action} onCancel={props.onDone} testId="card-edit-save" />
    </form>
  );
}

/** The buttons of one card's row: edit, block or unblock, delete (asks first, offers blocking instead). */
export function CardRowActions(props: { card: Card; onEdit(): void }) {
  const { t } = useI18n();
  const api = useConnection();
  const { card } = props;
  const action = useAction();
  const [asking, setAsking] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirm.current?.focus();
  }, [asking]);
  const name = card.label ?? uidPairs(card.uidHex);

  if (asking) {
    return (
      <fieldset className="row-actions confirm">
        <legend>{t('cards.delete.ask', { name })}</legend>
        <button
          ref={confirm}
          type="button"
          className="danger"
          onClick={() => void action.run(() => api.call('cards.delete', { id: card.id }))}
          data-testid="card-delete-confirm"
        >
          {t('cards.delete.confirm')}
        </button>
        <button type="button" className="secondary" onClick={() => setAsking(false)}>
          {t('cards.edit.cancel')}
        </button>
        <ErrorNotice error={action.error} />
      </fieldset>
    );
  }
  const blocked = card.blockedAt !== null;
  return (
    <div className="row-actions">
      <button
        type="button"
        className="secondary"
        onClick={props.onEdit}
        aria-label={t('cards.edit.label', { name })}
        data-testid="card-edit-open"
      >
        {t('cards.edit.open')}
      </button>
      <button
        type="button"
        className="secondary"
        aria-disabled={action.busy}
        onClick={() =>
          !action.busy &&
          void action.run(() => api.call(blocked ? 'cards.unblock' : 'cards.block', { id: card.id }))
        }
        aria-label={t(blocked ? 'cards.unblock.label' : 'cards.block.label', { name })}
        data-testid={blocked ? 'card-unblock' : 'card-block'}
      >
        {t(blocked ? 'cards.unblock' : 'cards.block')}
      </button>
      <button
        type="button"
        className="secondary"
        onClick={() => setAsking(true)}
        aria-label={t('cards.delete.label', { name })}
        data-testid="card-delete"
      >
        {t('cards.delete')}
      </button>
      <ErrorNotice error={action.error} />
    </div>
  );
}
