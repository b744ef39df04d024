// The sound of a tap, so the person enrolling can keep their eyes on the cards: one tone for a new card,
// two for one already enrolled, a low one for an error. WebAudio only; muted by a setting kept per machine.

export type TapSound = 'new' | 'duplicate' | 'error';

const MUTE_KEY = 'wbc.cards.mute';

interface Tone {
  hz: number;
  ms: number;
  /** Start after the beginning of the sound. */
  delayMs: number;
}

const sounds: Record<TapSound, Tone[]> = {
  new: [{ hz: 1046, ms: 110, delayMs: 0 }],
  duplicate: [
    { hz: 784, ms: 80, delayMs: 0 },
    { hz: 784, ms: 80, delayMs: 140 },
  ],
  error: [{ hz: 196, ms: 380, delayMs: 0 }],
};

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (typeof AudioContext === 'undefined') return null;
  context ??= new AudioContext();
  // Browsers start a context suspended until the page had a user gesture; Start was one.
  if (context.state === 'suspended') void context.resume().catch(() => undefined);
  return context;
}

/** Creates (or wakes) the audio context: call it from the Start button so later taps may sound. */
export function unlockSound(): void {
  try {
    audio();
  } catch {
    // No audio device: the visual cue still shows every tap.
  }
}

export function isMuted(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    return false;
  }
}

export function setMuted(muted: boolean): void {
  try {
    if (muted) localStorage.setItem(MUTE_KEY, '1');
    else localStorage.removeItem(MUTE_KEY);
  } catch {
    // Storage refused (private mode): the choice lasts until the page reloads.
  }
}

/** Plays the sound of a tap; never throws (no audio device, autoplay refused). */
export function playTapSound(sound: TapSound): void {
  try {
    const ctx = audio();
    if (!ctx) return;
    const start = ctx.currentTime + 0.01;
    for (const tone of sounds[sound]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = sound === 'error' ? 'square' : 'sine';
      osc.frequency.value = tone.hz;
      const from = start + tone.delayMs / 1000;
      const to = from + tone.ms / 1000;
      // Short ramps at both ends: a hard on/off clicks.
      gain.gain.setValueAtTime(0, from);
      gain.gain.linearRampToValueAtTime(0.25, from + 0.01);
      gain.gain.setValueAtTime(0.25, to - 0.02);
      gain.gain.linearRampToValueAtTime(0, to);
      osc.connect(gain).connect(ctx.destination);
      osc.start(from);
      osc.stop(to + 0.01);
    }
  } catch {
    // Sound is a help, never a requirement.
  }
}
