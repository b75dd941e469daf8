import { useMemo, type MouseEvent } from 'react';

interface Props {
  /** Oldest first. */
  values: number[];
  /** Index (into values) drawn as a marker line, e.g. the version being looked at. */
  marker?: number | null;
  /** Click on the chart: the index of the nearest value. */
  onPick?: (index: number) => void;
  label: string;
  height?: number;
  testId?: string;
}

/** Above this many points the series is reduced to one max per bucket (the peaks stay visible). */
const MAX_POINTS = 480;
const W = 1000; // viewBox units; the SVG stretches to its container

/**
 * A size-over-time sparkline as plain SVG. Hand-drawn on purpose: an area + a line + one marker is
 * ~40 lines here, where a chart library would add a dependency (and its CSS) for the same picture.
 */
export function Sparkline({ values, marker, onPick, label, height = 44, testId }: Props) {
  const { line, area } = useMemo(() => paths(values, height), [values, height]);
  const n = values.length;
  const markerX = marker !== null && marker !== undefined && n > 1 ? (marker / (n - 1)) * W : n === 1 ? W / 2 : null;

  const onClick = (e: MouseEvent<SVGSVGElement>) => {
    if (!onPick || n === 0) return;
    const r = e.currentTarget.getBoundingClientRect();
    const f = r.width > 0 ? (e.clientX - r.left) / r.width : 0;
    onPick(Math.max(0, Math.min(n - 1, Math.round(f * (n - 1)))));
  };

  return (
    <svg
      className={onPick ? 'sparkline pickable' : 'sparkline'}
      viewBox={`0 0 ${W} ${height}`}
      preserveAspectRatio="none"
      height={height}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-points={n}
      onClick={onClick}
    >
      <title>{label}</title>
      {area ? <path className="sparkline-area" d={area} /> : null}
      {line ? <path className="sparkline-line" d={line} vectorEffect="non-scaling-stroke" /> : null}
      {markerX !== null ? <line className="sparkline-marker" x1={markerX} x2={markerX} y1={0} y2={height} vectorEffect="non-scaling-stroke" /> : null}
    </svg>
  );
}

function paths(values: number[], h: number): { line: string; area: string } {
  if (values.length === 0) return { line: '', area: '' };
  let pts = values;
  if (values.length > MAX_POINTS) {
    const per = values.length / MAX_POINTS;
    pts = Array.from({ length: MAX_POINTS }, (_, i) => {
      let m = 0;
      for (let j = Math.floor(i * per); j < Math.floor((i + 1) * per); j++) m = Math.max(m, values[j] ?? 0);
      return m;
    });
  }
  const max = Math.max(...pts, 1);
  const min = Math.min(...pts);
  // leave room for the stroke; a flat series sits in the middle
  const y = (v: number) => (max === min ? h / 2 : h - 2 - ((v - min) / (max - min)) * (h - 4));
  const x = (i: number) => (pts.length === 1 ? W / 2 : (i / (pts.length - 1)) * W);
  const coords = pts.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  const line = pts.length === 1 ? `M0,${y(pts[0] ?? 0)}L${W},${y(pts[0] ?? 0)}` : `M${coords.join('L')}`;
  const area = pts.length === 1 ? '' : `M0,${h}L${coords.join('L')}L${W},${h}Z`;
  return { line, area };
}
