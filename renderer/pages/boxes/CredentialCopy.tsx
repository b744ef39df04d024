// Copies a box's password from the vault to the clipboard on request (audited by the core) and clears
// the clipboard again after a while; where the clipboard is refused it shows the password, selected,
// for the same while. The password is never kept in the page longer than that.
import { useEffect, useRef, useState } from 'react';
import type { BoxCredential } from '../../../main/boxes/types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export const CLIPBOARD_CLEAR_S = 30;

export function CredentialCopy({ credential }: { credential: BoxCredential }) {
  const { t } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [state, setState] = useState<'idle' | 'copied' | 'shown' | 'cleared'>('idle');
  const [shown, setShown] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const shownRef = useRef<HTMLElement>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  useEffect(() => {
    const node = shownRef.current;
    const selection = window.getSelection();
    if (!shown || !node || !selection) return;
    const range = document.createRange();
    range.selectNodeContents(node);
    selection.removeAllRanges();
    selection.addRange(range);
  }, [shown]);

  const copy = () =>
    void action.run(async () => {
      const { value } = await api.call('secrets.reveal', { id: credential.id });
      if (timer.current) clearTimeout(timer.current);
      try {
        await navigator.clipboard.writeText(value);
        setState('copied');
        timer.current = setTimeout(() => {
          void navigator.clipboard.writeText('').catch(() => undefined);
          setState('cleared');
        }, CLIPBOARD_CLEAR_S * 1000);
      } catch {
        setShown(value);
        setState('shown');
        timer.current = setTimeout(() => {
          setShown(null);
          setState('idle');
        }, CLIPBOARD_CLEAR_S * 1000);
      }
    });

  return (
    <span className="copy">
      <button
        type="button"
        className="secondary"
        onClick={copy}
        disabled={action.busy}
        data-testid={`copy-credential-${credential.kind}`}
      >
        {t('box.credential.copy')}
      </button>
      <output aria-live="polite" className="hint" data-testid="copy-state" data-state={state}>
        {state === 'copied' && t('box.credential.copied', { seconds: CLIPBOARD_CLEAR_S })}
        {state === 'cleared' && t('box.credential.cleared')}
        {state === 'shown' && t('box.credential.shown', { seconds: CLIPBOARD_CLEAR_S })}
      </output>
      {shown && (
        <code ref={shownRef} data-testid="credential-value">
          {shown}
        </code>
      )}
      <ErrorNotice error={action.error} />
    </span>
  );
}
