// Enrolling a stack of cards, eyes on the cards: set up once, Start, then every tap shows at once at the
// top of the batch with a sound and a flash; Esc stops, Ctrl+Z takes the last card back; no mouse needed.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Card, Group } from '../../../main/api/types.ts';
import { useEnrollment, useReaders } from '../../api/cards-hooks.ts';
import { undoTarget } from '../../cards/batch.ts';
import { isMuted, playTapSound, setMuted, unlockSound } from '../../cards/beep.ts';
import { takesText, useWedgeTyping } from '../../cards/use-wedge-typing.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { AddSerialReader } from './AddSerialReader.tsx';
import { BatchStatus } from './BatchStatus.tsx';
import { BatchTable } from './BatchTable.tsx';
import { dateText, endOfDay, readerText, uidPairs, WINDOW_WEDGE } from './card-text.ts';
import { EnrollSetup } from './EnrollSetup.tsx';
import { draftIssues, type EnrollDraft, emptyDraft, type Notation, rosterOf } from './enroll-draft.ts';
import { SessionReaders } from './SessionReaders.tsx';
import { TypeUidForm } from './TypeUidForm.tsx';

/** Whether this window has the keyboard: a keyboard reader's typing goes to the window in front. */
function useWindowFocused(): boolean {
  const [focused, setFocused] = useState(() => document.hasFocus());
  useEffect(() => {
    const on = () => setFocused(true);
    const off = () => setFocused(false);
    window.addEventListener('focus', on);
    window.addEventListener('blur', off);
    return () => {
      window.removeEventListener('focus', on);
      window.removeEventListener('blur', off);
    };
  }, []);
  return focused;
}

export function EnrollPanel(props: { groups: Group[] }) {
  const { t, language } = useI18n();
  const enrollment = useEnrollment();
  const readers = useReaders();
  const [draft, setDraft] = useState<EnrollDraft>(emptyDraft);
  const [tried, setTried] = useState(false);
  const [muted, setMutedState] = useState(isMuted);
  const [undone, setUndone] = useState<Card | null>(null);
  const sessionHeading = useRef<HTMLHeadingElement>(null);
  const startButton = useRef<HTMLDivElement>(null);
  const knownReaders = useRef(new Set<string>());
  const windowFocused = useWindowFocused();
  // The hook's functions are stable; the object around them is not.
  const { status, batch, tap, start: startSession, stop: stopSession, undo: undoCard } = enrollment;
  const active = status?.active ?? false;
  const roster = rosterOf(draft);
  const issues = draftIssues(draft, roster);

  const onDraft = useCallback((change: Partial<EnrollDraft>) => setDraft((d) => ({ ...d, ...change })), []);

  // A reader plugged in while the form is open is picked by itself; one the person unticked stays unticked.
  const list = readers.list;
  useEffect(() => {
    if (!list) return;
    const fresh = list.readers.filter((r) => !knownReaders.current.has(r.id));
    for (const r of fresh) knownReaders.current.add(r.id);
    const pick = fresh.filter((r) => r.state !== 'error').map((r) => r.id);
    if (pick.length > 0) setDraft((d) => ({ ...d, readers: [...new Set([...d.readers, ...pick])] }));
  }, [list]);

  // Every tap sounds (unless muted); a new tap also clears the note about the last undo.
  const last = batch.last;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per tap, which seq counts
  useEffect(() => {
    if (!last) return;
    setUndone(null);
    if (!muted) playTapSound(last.kind);
  }, [batch.seq]);

  const start = useCallback(async () => {
    setTried(true);
    if (issues.length > 0) return;
    unlockSound();
    const present = new Set(list?.readers.map((r) => r.id));
    const groupId = draft.groupId === '' ? undefined : Number(draft.groupId);
    const ok = await startSession({
      readers: draft.readers.filter((id) => present.has(id)),
      ...(groupId !== undefined && { groupId }),
      ...(draft.labelMode === 'pattern' ? { label: draft.pattern.trim() } : { roster: roster.names }),
      ...(draft.owner.trim() !== '' && { owner: draft.owner.trim() }),
      ...(draft.validUntil !== '' && { validUntil: endOfDay(draft.validUntil) }),
    });
    if (ok) {
      setTried(false);
      setUndone(null);
    }
  }, [draft, startSession, issues.length, list, roster.names]);

  const stop = useCallback(async () => {
    await stopSession();
  }, [stopSession]);

  const target = undoTarget(batch);
  const undo = useCallback(async () => {
    if (!target) return;
    if (await undoCard(target.id)) setUndone(target);
  }, [undoCard, target]);

  // Focus follows the session: on its heading while it runs (so a reader's typing lands nowhere), back
  // on Start when it ends.
  const wasActive = useRef(active);
  useEffect(() => {
    if (active && !wasActive.current) sessionHeading.current?.focus();
    if (!active && wasActive.current)
      startButton.current?.querySelector<HTMLButtonElement>('button')?.focus();
    wasActive.current = active;
  }, [active]);

  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        void stop();
      } else if (
        (event.ctrlKey || event.metaKey) &&
        !event.altKey &&
        event.key.toLowerCase() === 'z' &&
        !takesText(document.activeElement)
      ) {
        event.preventDefault();
        void undo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, stop, undo]);

  useWedgeTyping(active && draft.windowTyping, (text) => {
    void tap({ uid: text, source: 'hid', reader: WINDOW_WEDGE, notation: draft.windowNotation });
  });
  const typed = useCallback(
    // The field keeps a refused UID for correcting; a stored (or known) card clears it.
    async (uid: string, notation: Notation) => (await tap({ uid, source: 'typed', notation }))?.ok === true,
    [tap],
  );

  const readerName = useCallback((id: string) => readerText(id, t, list?.readers), [list, t]);

  const groupName = (id: number | undefined) => props.groups.find((g) => g.id === id)?.name;
  const settings = status?.settings;

  return (
    <section
      aria-labelledby="enroll-heading"
      className="enroll"
      data-testid="enroll-panel"
      data-active={active}
    >
      <h3 id="enroll-heading">{t('cards.enroll.title')}</h3>
      <ErrorNotice error={readers.error} />
      {active && settings ? (
        <div className="enroll-session" data-testid="enroll-session">
          <h4 ref={sessionHeading} tabIndex={-1} data-testid="session-heading">
            {t('cards.session.title')}
          </h4>
          <p className="session-summary" data-testid="session-summary">
            {[
              t('cards.session.group', {
                group: groupName(settings.groupId) ?? t('cards.enroll.group.none'),
              }),
              settings.roster
                ? t('cards.session.roster', { count: settings.roster.length })
                : settings.label
                  ? t('cards.session.pattern', { pattern: settings.label })
                  : t('cards.session.noLabel'),
              settings.owner ? t('cards.session.owner', { owner: settings.owner }) : '',
              settings.validUntil
                ? t('cards.session.validUntil', { date: dateText(settings.validUntil, language) })
                : '',
            ]
              .filter(Boolean)
              .join(' · ')}
          </p>
          <SessionReaders
            ids={status.readers}
            list={list}
            windowTyping={draft.windowTyping}
            windowNotation={draft.windowNotation}
            onWindowNotation={(windowNotation) => onDraft({ windowNotation })}
            readerName={readerName}
          />
          <div className="toolbar">
            <button
              type="button"
              onClick={() => void stop()}
              aria-keyshortcuts="Escape"
              data-testid="enroll-stop"
            >
              {t('cards.session.stop')}
              <kbd>{t('cards.key.escape')}</kbd>
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => void undo()}
              disabled={!target || enrollment.busy}
              aria-keyshortcuts="Control+Z"
              data-testid="enroll-undo"
            >
              {target
                ? t('cards.session.undo', { label: target.label ?? uidPairs(target.uidHex) })
                : t('cards.session.undo.none')}
              <kbd>{t('cards.key.undo')}</kbd>
            </button>
            <div className="field checkbox">
              <input
                id="enroll-mute"
                type="checkbox"
                checked={muted}
                onChange={(e) => {
                  setMuted(e.target.checked);
                  setMutedState(e.target.checked);
                }}
                data-testid="enroll-mute"
              />
              <label htmlFor="enroll-mute">{t('cards.session.mute')}</label>
            </div>
          </div>
          {draft.windowTyping && !windowFocused && (
            <p className="notice" role="alert" data-testid="window-unfocused">
              {t('cards.session.windowUnfocused')}
            </p>
          )}
          <BatchStatus
            batch={batch}
            active
            override={
              undone
                ? t('cards.status.undone', { label: undone.label ?? '', uid: uidPairs(undone.uidHex) })
                : undefined
            }
          />
          <TypeUidForm disabled={false} onTap={typed} />
          <ErrorNotice error={enrollment.error} />
        </div>
      ) : (
        <>
          <p className="hint">{t('cards.enroll.help')}</p>
          <EnrollSetup
            draft={draft}
            onDraft={onDraft}
            roster={roster}
            groups={props.groups}
            readers={list}
            issues={tried ? issues : []}
            busy={enrollment.busy}
            onStart={() => void start()}
            startRef={startButton}
          />
          <AddSerialReader
            onAdded={(id) => setDraft((d) => ({ ...d, readers: [...new Set([...d.readers, id])] }))}
          />
          <ErrorNotice error={enrollment.error} />
          {batch.rows.length > 0 && <BatchStatus batch={batch} active={false} />}
        </>
      )}
      {(active || batch.rows.length > 0) && (
        <BatchTable batch={batch} groups={props.groups} readerName={readerName} />
      )}
    </section>
  );
}
