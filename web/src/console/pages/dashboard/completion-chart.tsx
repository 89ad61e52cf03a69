import { useEffect, useId, useRef, useState } from 'react';
import type { CompletionCell } from '../../lib/types';

/**
 * Stacked bars of completed / open / expired per arm × timepoint, in plain React SVG: a dozen
 * rectangles need no chart library (and nothing is fetched from a CDN). Bars share one scale, the
 * largest arm × timepoint, so lengths compare across rows. The SVG is one image with a text
 * alternative; the same numbers are in the table that follows it.
 */
export const segments = [
  { key: 'completed', label: 'Completed', colour: '#047857' },
  { key: 'open', label: 'Open', colour: '#2563eb' },
  { key: 'expired', label: 'Expired', colour: '#b45309' },
] as const;

const ROW = 46;
const BAR = 18;

/** The figure's width in CSS pixels, so the SVG is drawn 1:1 and its text stays at reading size at 360 px and on a desktop. */
function useWidth(fallback: number) {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.max(240, Math.min(720, Math.floor(element.clientWidth))));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

export function describeCell(c: CompletionCell, armLabel: (id: string) => string): string {
  return `${armLabel(c.arm)}, ${c.timepoint}: ${c.completed} completed, ${c.open} open, ${c.expired} expired`;
}

/** Bars are labelled with arm ids (short enough for a phone); the table and the text alternative use the arms' labels. */
export function CompletionChart({ cells, armLabel }: { cells: CompletionCell[]; armLabel: (id: string) => string }) {
  const [ref, WIDTH] = useWidth(600);
  const titleId = useId();
  const descId = useId();
  const max = Math.max(1, ...cells.map((c) => c.completed + c.open + c.expired));
  const height = cells.length * ROW + 4;
  return (
    <figure className="chart" ref={ref}>
      <svg width={WIDTH} height={height} viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={`${titleId} ${descId}`} preserveAspectRatio="xMinYMin meet">
        <title id={titleId}>Completion by arm and timepoint</title>
        <desc id={descId}>{cells.map((c) => describeCell(c, armLabel)).join('; ')}.</desc>
        {cells.map((c, row) => {
          const y = row * ROW;
          const total = c.completed + c.open + c.expired;
          let x = 0;
          return (
            <g key={`${c.arm}/${c.timepoint}`} aria-hidden="true">
              <text x={0} y={y + 14} className="chart-label">
                {c.arm} · {c.timepoint}
              </text>
              <rect x={0} y={y + 20} width={WIDTH} height={BAR} className="chart-track" />
              {segments.map((s) => {
                const value = c[s.key];
                const w = (value / max) * WIDTH;
                const rect = value > 0 ? <rect key={s.key} x={x} y={y + 20} width={w} height={BAR} fill={s.colour} stroke="#fff" strokeWidth={1} /> : null;
                x += w;
                return rect;
              })}
              <text x={WIDTH - 2} y={y + 14} textAnchor="end" className="chart-value">
                {total === 0 ? 'none due yet' : `${c.completed} of ${total} completed`}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <p className="hint">
          Bars by arm id: {[...new Set(cells.map((c) => c.arm))].map((arm) => `${arm} = ${armLabel(arm)}`).join('; ')}. Numbers in the table below.
        </p>
        <ul className="legend" aria-label="Legend">
          {segments.map((s) => (
            <li key={s.key}>
              <span className="swatch" style={{ background: s.colour }} aria-hidden="true" /> {s.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
