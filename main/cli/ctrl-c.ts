// Ctrl+C during work that blocks the event loop (an import's preview, its one commit): remembered when it
// comes, and honoured only at the command's own safe point, so nothing is ever left half-written.
import { setImmediate as nextTurn } from 'node:timers/promises';

export interface CtrlC {
  /** Lets a Ctrl+C that came during synchronous work be seen, then says whether one came. */
  requested(): Promise<boolean>;
  /** Ctrl+C ends the process again as it did before. */
  off(): void;
}

export function watchCtrlC(): CtrlC {
  let pressed = false;
  const onSignal = () => {
    pressed = true;
  };
  process.on('SIGINT', onSignal);
  return {
    async requested() {
      // A signal is handed to JavaScript in the event loop's poll phase: the second of two turns comes
      // after one whole poll, whatever phase the caller is in, so a Ctrl+C already pressed is seen.
      await nextTurn();
      await nextTurn();
      return pressed;
    },
    off: () => process.off('SIGINT', onSignal),
  };
}
