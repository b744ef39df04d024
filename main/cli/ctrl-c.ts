// Ctrl+C during work that blocks the event loop and writes nothing (an import's check of its rows):
// remembered when it comes and honoured at the command's own safe point, with a message saying so.
import { setImmediate as nextTurn } from 'node:timers/promises';

export interface CtrlC {
  /** Lets a Ctrl+C that came during synchronous work be seen, then says whether one came. */
  requested(): Promise<boolean>;
  /** Ctrl+C ends the process at once again, as by default (a transaction it cuts short is rolled back). */
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
