// The form before a batch: readers, group, how cards are labelled (a numbered pattern or a roster),
// owner and validity, then Start. Enter in any field starts; every control has its label.
import { type FormEvent, type Ref, useId } from 'react';
import type { Group } from '../../../main/api/types.ts';
import type { ReaderList } from '../../api/cards-hooks.ts';
import type { Roster } from '../../cards/roster.ts';
import { GroupOptions } from '../../components/GroupOptions.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { today } from './card-text.ts';
import type { DraftIssue, EnrollDraft, LabelMode } from './enroll-draft.ts';
import { ReaderPicker } from './ReaderPicker.tsx';
import { RosterField } from './RosterField.tsx';

function Issues({ issues, field, id }: { issues: DraftIssue[]; field: DraftIssue['field']; id: string }) {
  const { t } = useI18n();
  const mine = issues.filter((i) => i.field === field);
  if (mine.length === 0) return null;
  return (
    <ul className="field-issues" id={id} data-testid={`issue-${field}`}>
      {mine.map((i) => (
        <li key={i.key}>{t(i.key, i.params)}</li>
      ))}
    </ul>
  );
}

export function EnrollSetup(props: {
  draft: EnrollDraft;
  onDraft(change: Partial<EnrollDraft>): void;
  roster: Roster;
  groups: Group[];
  readers: ReaderList | undefined;
  /** Shown only once Start was pressed: no red before the person has tried. */
  issues: DraftIssue[];
  busy: boolean;
  onStart(): void;
  /** The row of the Start button, where the focus returns when a batch ends. */
  startRef?: Ref<HTMLDivElement>;
}) {
  const { t } = useI18n();
  const id = useId();
  const { draft, onDraft, issues } = props;
  const selected = new Set(draft.readers);
  const invalid = (field: DraftIssue['field']) => issues.some((i) => i.field === field);

  function submit(event: FormEvent) {
    event.preventDefault();
    props.onStart();
  }

  function toggle(readerId: string) {
    onDraft({
      readers: selected.has(readerId)
        ? draft.readers.filter((r) => r !== readerId)
        : [...draft.readers, readerId],
    });
  }

  return (
    <form className="enroll-setup" onSubmit={submit} data-testid="enroll-setup" noValidate>
      <ReaderPicker
        list={props.readers}
        selected={selected}
        onToggle={toggle}
        windowTyping={draft.windowTyping}
        onWindowTyping={(windowTyping) => onDraft({ windowTyping })}
        windowNotation={draft.windowNotation}
        onWindowNotation={(windowNotation) => onDraft({ windowNotation })}
        disabled={props.busy}
      />
      <Issues issues={issues} field="readers" id={`${id}-readers-issues`} />

      <div className="field">
        <label htmlFor={`${id}-group`}>{t('cards.enroll.group')}</label>
        <select
          id={`${id}-group`}
          value={draft.groupId}
          onChange={(e) => onDraft({ groupId: e.target.value })}
          disabled={props.busy}
          data-testid="enroll-group"
        >
          <option value="">{t('cards.enroll.group.none')}</option>
          <GroupOptions groups={props.groups} />
        </select>
      </div>

      <fieldset className="label-mode" disabled={props.busy}>
        <legend>{t('cards.enroll.labels')}</legend>
        {(['pattern', 'roster'] as LabelMode[]).map((mode) => (
          <div className="field checkbox" key={mode}>
            <input
              type="radio"
              id={`${id}-mode-${mode}`}
              name={`${id}-mode`}
              value={mode}
              checked={draft.labelMode === mode}
              onChange={() => onDraft({ labelMode: mode })}
              data-testid={`label-mode-${mode}`}
            />
            <label htmlFor={`${id}-mode-${mode}`}>{t(`cards.enroll.labels.${mode}`)}</label>
          </div>
        ))}
        {draft.labelMode === 'pattern' ? (
          <div className={invalid('pattern') ? 'field invalid' : 'field'}>
            <label htmlFor={`${id}-pattern`}>{t('cards.enroll.pattern')}</label>
            <input
              id={`${id}-pattern`}
              value={draft.pattern}
              onChange={(e) => onDraft({ pattern: e.target.value })}
              maxLength={60}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={invalid('pattern') || undefined}
              aria-describedby={`${id}-pattern-help ${id}-pattern-issues`}
              data-testid="enroll-pattern"
            />
            <span className="hint field-help" id={`${id}-pattern-help`}>
              {t(draft.pattern.includes('#') ? 'cards.enroll.pattern.help' : 'cards.enroll.pattern.fixed')}
            </span>
            <Issues issues={issues} field="pattern" id={`${id}-pattern-issues`} />
          </div>
        ) : (
          <>
            <RosterField
              text={draft.rosterText}
              onText={(rosterText) => onDraft({ rosterText })}
              header={draft.rosterHeader}
              onHeader={(rosterHeader) => onDraft({ rosterHeader })}
              roster={props.roster}
              disabled={props.busy}
            />
            <Issues issues={issues} field="roster" id={`${id}-roster-issues`} />
          </>
        )}
      </fieldset>

      <div className="field">
        <label htmlFor={`${id}-owner`}>{t('cards.enroll.owner')}</label>
        <input
          id={`${id}-owner`}
          value={draft.owner}
          onChange={(e) => onDraft({ owner: e.target.value })}
          maxLength={120}
          autoComplete="off"
          aria-describedby={`${id}-owner-help`}
          disabled={props.busy}
          data-testid="enroll-owner"
        />
        <span className="hint field-help" id={`${id}-owner-help`}>
          {t('cards.enroll.owner.help')}
        </span>
      </div>

      <div className={invalid('validUntil') ? 'field invalid' : 'field'}>
        <label htmlFor={`${id}-valid`}>{t('cards.enroll.validUntil')}</label>
        <input
          id={`${id}-valid`}
          type="date"
          value={draft.validUntil}
          min={today()}
          onChange={(e) => onDraft({ validUntil: e.target.value })}
          aria-invalid={invalid('validUntil') || undefined}
          aria-describedby={`${id}-valid-help ${id}-valid-issues`}
          disabled={props.busy}
          data-testid="enroll-valid-until"
        />
        <span className="hint field-help" id={`${id}-valid-help`}>
          {t('cards.enroll.validUntil.help')}
        </span>
        <Issues issues={issues} field="validUntil" id={`${id}-valid-issues`} />
      </div>

      <div className="toolbar" ref={props.startRef}>
        <button type="submit" disabled={props.busy} data-testid="enroll-start" aria-keyshortcuts="Enter">
          {t('cards.enroll.start')}
        </button>
      </div>
    </form>
  );
}
