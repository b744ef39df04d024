// Seconds left of a box's verify window, ticking once a second: one clock for the run view's notice and
// the fleet view's rows, so both always show the same number for the same box.
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';

/** Null when there is no open window; never more than the window (the laptop's and the tool's clocks may differ). */
export function useSecondsLeft(
  watch: { deadline: string; windowS: number } | null | undefined,
): number | null {
  const deadline = watch ? Date.parse(watch.deadline) : Number.NaN;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!Number.isFinite(deadline)) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [deadline]);
  if (!watch || !Number.isFinite(deadline)) return null;
  return Math.min(watch.windowS, Math.max(0, Math.ceil((deadline - now) / 1000)));
}

/** A fleet row's short form: "42 s left". */
export function RowCountdown({ watch }: { watch: { deadline: string; windowS: number } | undefined }) {
  const { t } = useI18n();
  const seconds = useSecondsLeft(watch);
  if (seconds === null || !watch) return null;
  return (
    <span className="countdown" data-testid="row-countdown" data-deadline={watch.deadline}>
      {' '}
      {t('run.countdown.fleet', { seconds })}
    </span>
  );
}
