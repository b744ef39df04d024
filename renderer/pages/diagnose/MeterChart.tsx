// The energy charged during a transaction as a small SVG line (no chart library): kWh since the start
// over time, scaled to the box it sits in, with the last value written beside it.
import type { MeterPoint } from '../../../main/ocpp/live/live-types.ts';

const W = 320;
const H = 80;

export function MeterChart({
  points,
  startWh,
  label,
}: {
  points: MeterPoint[];
  startWh: number | null;
  label: string;
}) {
  const samples = points.flatMap((p) =>
    p.energyWh === null ? [] : [{ t: Date.parse(p.at), wh: p.energyWh }],
  );
  if (samples.length < 2) return null;
  const base = startWh ?? samples[0]?.wh ?? 0;
  const t0 = samples[0]?.t ?? 0;
  const span = Math.max(1, (samples.at(-1)?.t ?? 0) - t0);
  const top = Math.max(1, ...samples.map((s) => s.wh - base));
  const path = samples
    .map((s, i) => {
      const x = ((s.t - t0) / span) * W;
      const y = H - (Math.max(0, s.wh - base) / top) * H;
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  const last = ((samples.at(-1)?.wh ?? base) - base) / 1000;
  return (
    <figure style={{ margin: 0 }} data-testid="live-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={label}
        preserveAspectRatio="none"
        style={{ display: 'block', width: '100%', maxWidth: '40rem', height: '5rem' }}
      >
        <path d={path} fill="none" stroke="currentColor" strokeWidth="2" vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="hint">
        {label}: +{last.toFixed(2)} kWh
      </figcaption>
    </figure>
  );
}
