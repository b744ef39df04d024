// Copies a text (an address for the box) to the clipboard and says so; where the clipboard is not
// allowed it selects the text instead, so Ctrl+C still works.
import { useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

export function CopyButton({ text, label, targetId }: { text: string; label: string; targetId: string }) {
  const { t } = useI18n();
  const [done, setDone] = useState<'copied' | 'selected' | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setDone('copied');
    } catch {
      const target = document.getElementById(targetId);
      const selection = window.getSelection();
      if (target && selection) {
        const range = document.createRange();
        range.selectNodeContents(target);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setDone('selected');
    }
  }

  return (
    <span className="copy">
      <button type="button" className="secondary" aria-label={label} onClick={() => void copy()}>
        {t('csms.copy')}
      </button>
      <output aria-live="polite" className="hint">
        {done === 'copied' ? t('csms.copy.done') : done === 'selected' ? t('csms.copy.selected') : ''}
      </output>
    </span>
  );
}
