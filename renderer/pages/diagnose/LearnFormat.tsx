// How the chosen box writes cards: the format the tool learned (or was given) for it, learning it from a
// card read here and tapped at the box, a second card when one leaves it open, or a preset chosen by hand.

import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { LearnOutcome, LearnStage, UidFormatCandidate } from '../../../main/api/types.ts';
import type { UidFormat, UidPresetName } from '../../../main/rfid/uid-format.ts';
import type { ApiCall } from '../../api/hooks.ts';
import { useAction, useConnection, useQuery } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';

/** A format in words: its preset's name, or what it does (bytes reversed, decimal, ...). */
export function formatWords(t: Translate, format: UidFormat, preset: string | null): string {
  if (preset) return t(`learnFormat.preset.${preset}`);
  const parts = [t(`uidFormat.${format.notation}`), t(`uidFormat.${format.byteOrder}`)];
  if (format.notation === 'hex') {
    parts.push(t(`uidFormat.${format.letterCase}`));
    if (format.separator !== '') parts.push(t('uidFormat.separator', { separator: format.separator }));
  }
  if (format.padding === 'none') parts.push(t('uidFormat.unpadded'));
  else if (typeof format.padding === 'number') parts.push(t('uidFormat.padded', { digits: format.padding }));
  if (format.firstBytes !== null) parts.push(t('uidFormat.firstBytes', { bytes: format.firstBytes }));
  if (format.prefix !== '') parts.push(t('uidFormat.prefix', { text: format.prefix }));
  if (format.suffix !== '') parts.push(t('uidFormat.suffix', { text: format.suffix }));
  return parts.join(', ');
}

function Candidate({ candidate }: { candidate: UidFormatCandidate }) {
  const { t } = useI18n();
  return (
    <>
      <strong>{formatWords(t, candidate.format, candidate.preset)}</strong>{' '}
      <code>{t('learnFormat.example', { sample: candidate.sampleUid, example: candidate.example })}</code>
    </>
  );
}

export function LearnFormat({ identity }: { identity: string }) {
  const { t, language } = useI18n();
  const api = useConnection();
  const id = useId();
  const profile = useQuery('formats.get', { identity }, ['uidFormat']);
  const presets = useQuery('formats.presets', {}, []);
  const [uid, setUid] = useState('');
  const [stage, setStage] = useState<{ stage: LearnStage; idTag?: string } | null>(null);
  const [outcome, setOutcome] = useState<LearnOutcome | null>(null);
  const [preset, setPreset] = useState<UidPresetName | ''>('');
  const learning = useAction();
  const cancelling = useAction();
  const editing = useAction();
  const uidField = useRef<HTMLInputElement>(null);
  const startButton = useRef<HTMLButtonElement>(null);
  // Set at once on submit, so a second Enter before React draws the busy state starts nothing twice.
  const starting = useRef(false);

  // The Cancel button goes when the learning ends; if it had the focus, the focus would fall to the
  // page body. Keyboard users continue from Start instead.
  const wasLearning = useRef(false);
  useEffect(() => {
    if (wasLearning.current && !learning.busy && document.activeElement === document.body) {
      startButton.current?.focus();
    }
    wasLearning.current = learning.busy;
  }, [learning.busy]);

  useEffect(
    () =>
      api.on('formats.learn', (progress) => {
        if (progress.identity !== identity) return;
        setStage({ stage: progress.stage, ...(progress.idTag ? { idTag: progress.idTag } : {}) });
      }),
    [api, identity],
  );

  async function learn(event: FormEvent) {
    event.preventDefault();
    if (starting.current) return;
    starting.current = true;
    setStage(null);
    const previous = outcome?.needsAnotherCard ? outcome.evidence : [];
    try {
      const ok = await learning.run(async () => {
        const result = await api.call('formats.learn', {
          identity,
          ...(uid.trim() ? { uidHex: uid.trim() } : {}),
          previous,
        });
        setOutcome(result);
      });
      if (ok) setUid('');
    } finally {
      starting.current = false;
    }
  }

  /** A format saved or forgotten by hand: an earlier learning's result no longer says what the box uses. */
  const edit = (call: ApiCall, thenFocusUid: boolean) =>
    void editing
      .run(async () => {
        await call();
        setOutcome(null);
      })
      .then((ok) => {
        // Forget removes its own button: the focus goes to the UID field, where learning starts again.
        if (ok && thenFocusUid) uidField.current?.focus();
      });

  const saved = profile.data;
  const when = (at: string) => new Date(at).toLocaleString(language);

  return (
    <section aria-labelledby={`${id}-title`} className="learn-format" data-testid="learn-format">
      <h3 id={`${id}-title`}>{t('learnFormat.title')}</h3>
      <p className="hint">{t('learnFormat.intro')}</p>
      <ErrorNotice error={profile.error} />
      {saved ? (
        <div data-testid="learn-format-current">
          <p>
            {t('learnFormat.current')} <strong>{formatWords(t, saved.format, saved.preset)}</strong>{' '}
            <span className="hint">
              {t(`learnFormat.source.${saved.source}`, { at: when(saved.learnedAt) })}
            </span>
          </p>
          {saved.evidence.length > 0 && (
            <ul className="learn-evidence">
              {saved.evidence.map((e) => (
                <li key={e.uidHex}>{t('learnFormat.evidence', { uid: e.uidHex, idTag: e.idTag })}</li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        profile.data === null && <p data-testid="learn-format-none">{t('learnFormat.none')}</p>
      )}

      <form onSubmit={learn} className="toolbar">
        <div className="field">
          <label htmlFor={`${id}-uid`}>
            {outcome?.needsAnotherCard ? t('learnFormat.uidSecond') : t('learnFormat.uid')}
          </label>
          <input
            ref={uidField}
            id={`${id}-uid`}
            autoComplete="off"
            spellCheck={false}
            value={uid}
            onChange={(e) => setUid(e.target.value)}
            readOnly={learning.busy}
            aria-describedby={`${id}-uid-help`}
            data-testid="learn-format-uid"
          />
          <p id={`${id}-uid-help`} className="hint field-help">
            {t('learnFormat.uidHelp')}
          </p>
        </div>
        {/* aria-disabled, not disabled, while learning: a disabled button drops the focus to the page body. */}
        <button
          ref={startButton}
          type="submit"
          aria-disabled={learning.busy}
          data-testid="learn-format-start"
        >
          {outcome?.needsAnotherCard ? t('learnFormat.nextCard') : t('learnFormat.start')}
        </button>
        {learning.busy && (
          <button
            type="button"
            className="secondary"
            onClick={() => void cancelling.run(() => api.call('formats.cancelLearn', { identity }))}
            data-testid="learn-format-cancel"
          >
            {t('learnFormat.cancel')}
          </button>
        )}
      </form>

      <output aria-live="polite" data-testid="learn-format-stage">
        {learning.busy && stage && t(`learnFormat.stage.${stage.stage}`, { idTag: stage.idTag ?? '' })}
      </output>
      <ErrorNotice error={learning.error ?? cancelling.error} />

      {outcome && !learning.busy && !learning.error && (
        <div data-testid="learn-format-outcome">
          {outcome.needsAnotherCard ? (
            <p className="notice">{t('learnFormat.needsAnother', { uid: outcome.heard.uidHex })}</p>
          ) : (
            <p>
              {t('learnFormat.learned', { uid: outcome.heard.uidHex, idTag: outcome.heard.idTag })}{' '}
              <Candidate candidate={outcome} />
            </p>
          )}
          {outcome.alternatives.length > 0 && (
            <>
              <p>{t('learnFormat.alternatives')}</p>
              <ul>
                {outcome.alternatives.map((a) => (
                  <li key={`${a.example}-${a.preset ?? ''}`}>
                    <Candidate candidate={a} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}

      <div className="toolbar">
        <div className="field">
          <label htmlFor={`${id}-preset`}>{t('learnFormat.manual')}</label>
          <select
            id={`${id}-preset`}
            value={preset}
            onChange={(e) => setPreset(e.target.value as UidPresetName | '')}
            data-testid="learn-format-preset"
          >
            <option value="">{t('learnFormat.manualPick')}</option>
            {(presets.data ?? []).map((p) => (
              <option key={p.preset ?? ''} value={p.preset ?? ''}>
                {t('learnFormat.presetOption', {
                  name: formatWords(t, p.format, p.preset),
                  sample: p.sampleUid,
                  example: p.example,
                })}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          disabled={preset === ''}
          aria-disabled={editing.busy}
          onClick={() =>
            preset !== '' &&
            !editing.busy &&
            edit(() => api.call('formats.save', { identity, format: preset }), false)
          }
          data-testid="learn-format-save"
        >
          {t('learnFormat.save')}
        </button>
        {saved && (
          <button
            type="button"
            className="secondary"
            aria-disabled={editing.busy}
            onClick={() => !editing.busy && edit(() => api.call('formats.clear', { identity }), true)}
            data-testid="learn-format-clear"
          >
            {t('learnFormat.clear')}
          </button>
        )}
      </div>
      <ErrorNotice error={editing.error} />
    </section>
  );
}
