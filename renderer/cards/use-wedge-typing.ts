// The window half of the keyboard-wedge fallback: watches every key while an enrollment runs, hands a
// fast burst ending in Enter over as a card, and keeps the burst out of buttons, forms and text fields.
import { useEffect, useRef } from 'react';
import { WedgeTypingDetector } from './wedge-typing.ts';

const notText = new Set([
  'checkbox',
  'radio',
  'button',
  'submit',
  'reset',
  'file',
  'range',
  'color',
  'image',
]);

/** Whether typing goes into this element (an input that takes text, a textarea, an editable region). */
export function takesText(element: Element | null): element is HTMLInputElement | HTMLTextAreaElement {
  if (element instanceof HTMLTextAreaElement) return !element.readOnly && !element.disabled;
  if (element instanceof HTMLInputElement)
    return !notText.has(element.type) && !element.readOnly && !element.disabled;
  return false;
}

interface Snapshot {
  element: HTMLInputElement | HTMLTextAreaElement;
  value: string;
  start: number | null;
  end: number | null;
}

/** Puts a field back as it was before the burst, through the native setter so React sees the change. */
function restore(snapshot: Snapshot): void {
  const { element } = snapshot;
  const proto =
    element instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(element, snapshot.value);
  element.dispatchEvent(new Event('input', { bubbles: true }));
  try {
    if (snapshot.start !== null) element.setSelectionRange(snapshot.start, snapshot.end ?? snapshot.start);
  } catch {
    // Some input types (email, number) have no selection.
  }
}

/**
 * While `active`, a burst of keys ending in Enter calls onCard with the typed text. Outside text fields
 * the burst's keys are held back (a burst's Enter never presses the focused button); inside one, the
 * field gets its text back as it was before the burst. Slow typing is left alone.
 */
export function useWedgeTyping(active: boolean, onCard: (text: string) => void): void {
  const onCardRef = useRef(onCard);
  onCardRef.current = onCard;

  useEffect(() => {
    if (!active) return;
    const detector = new WedgeTypingDetector();
    let snapshot: Snapshot | null = null;

    const onKey = (event: KeyboardEvent) => {
      if (event.isComposing) return;
      const focused = document.activeElement;
      const verdict = detector.push({
        key: event.key,
        at: event.timeStamp,
        repeat: event.repeat,
        modified: event.ctrlKey || event.altKey || event.metaKey,
      });
      if (verdict.kind === 'char') {
        if (takesText(focused)) {
          if (verdict.fresh || snapshot?.element !== focused) {
            snapshot = {
              element: focused,
              value: focused.value,
              start: selection(focused, 'start'),
              end: selection(focused, 'end'),
            };
          }
        } else {
          snapshot = null;
          // Nothing here takes text, but a select would jump to the letter and a link has access keys.
          event.preventDefault();
        }
        return;
      }
      if (verdict.kind === 'card') {
        event.preventDefault();
        event.stopPropagation();
        if (snapshot && snapshot.element === focused) restore(snapshot);
        snapshot = null;
        onCardRef.current(verdict.text);
        return;
      }
      if (event.key !== 'Shift' && event.key !== 'CapsLock') snapshot = null;
    };
    const forget = () => {
      detector.reset();
      snapshot = null;
    };
    // Capture: the page's own shortcuts and forms must not see a burst's Enter first.
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('blur', forget);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('blur', forget);
    };
  }, [active]);
}

function selection(element: HTMLInputElement | HTMLTextAreaElement, end: 'start' | 'end'): number | null {
  try {
    return end === 'start' ? element.selectionStart : element.selectionEnd;
  } catch {
    return null;
  }
}
