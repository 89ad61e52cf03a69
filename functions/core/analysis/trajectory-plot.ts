import { scaleLinear, scalePoint } from 'd3-scale';
import { line, symbol, symbolCircle, symbolCross, symbolDiamond, symbolSquare, symbolStar, symbolTriangle, symbolWye, type SymbolType } from 'd3-shape';
import type { OutcomeSummary, TrajectoryPoint } from './outcome-summary';

/**
 * The trajectory figure: one SVG with a small multiple (panel) per instrument × scale, each
 * showing every arm's mean ± 95% CI at each timepoint, joined by a line. Arms differ by colour
 * (Okabe–Ito, safe for the common colour-vision deficiencies) and also by marker shape and line
 * dash, so the figure survives greyscale printing. Plain SVG 1.1 text: no scripts, no external
 * fonts, stylesheets or images, a white background, and <title>/<desc> for screen readers.
 */

/** Okabe & Ito (2008), "Color Universal Design", in an order that keeps the first colours far apart; yellow last (weak on white). */
export const okabeIto = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const;
const markers: SymbolType[] = [symbolCircle, symbolTriangle, symbolSquare, symbolDiamond, symbolCross, symbolStar, symbolWye];
export const markerNames = ['circle', 'triangle', 'square', 'diamond', 'cross', 'star', 'wye'] as const;
const dashes = ['', '7 4', '2 3', '9 3 2 3', '4 2', '1 4', '12 4', '3 6'];

export interface PlotLabels {
  /** The figure's title, e.g. the study name. */
  title: string;
  timepoints: Array<{ id: string; label?: string }>;
  arms: Array<{ id: string; label?: string }>;
  /** Instrument and scale names; the scale label (as in the scoring definition) gives the y-axis label and unit. */
  scales: Array<{ instrument: string; scale: string; instrumentName?: string; label?: string }>;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const fmt = (x: number | null) => (x === null ? '–' : String(Math.round(x * 100) / 100));
const px = (x: number) => String(Math.round(x * 100) / 100);

/** The unit of a scale, read from its label: T-score, mm, % or (otherwise) points. */
export function scaleUnit(label: string): string {
  if (/T-score/.test(label)) return 'T-score';
  if (/\bmm\b/.test(label)) return 'mm';
  if (/percentage/i.test(label)) return '%';
  return 'points';
}

/**
 * The y-axis label of a scale from its scoring-definition label: the name before the first
 * parenthesis or comma, then the unit and, where the label states one, the score range:
 * "Physical Function (4a), T-score" → "Physical Function (T-score)";
 * "PEG score (mean of pain, enjoyment and activity, 0–10)" → "PEG score (points, 0–10)".
 */
export function axisLabel(label: string): string {
  const name = label.split(/\s*[(,]/)[0]?.trim() || label;
  const range = /(?:^|[(;,]\s?)(\d+(?:\.\d+)?)\s?[–-]\s?(\d+(?:\.\d+)?)(?=[);,\s])/.exec(label);
  return `${name} (${scaleUnit(label)}${range ? `, ${range[1]}–${range[2]}` : ''})`;
}

const PANEL_WIDTH = 440;
const MARGIN = { left: 68, right: 20 };
const PLOT_WIDTH = PANEL_WIDTH - MARGIN.left - MARGIN.right;
const PANEL_TITLE = 48;
const PLOT_HEIGHT = 220;
const X_AXIS = 40;
const N_ROW = 15;
const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

/** The figure as an SVG document: one panel per instrument × scale of the summary, in its order. */
export function trajectorySvg(summary: OutcomeSummary, labels: PlotLabels): string {
  const armLabel = (id: string) => labels.arms.find((a) => a.id === id)?.label ?? id;
  const timepointLabel = (id: string) => labels.timepoints.find((t) => t.id === id)?.label ?? id;
  const style = (arm: string) => {
    const i = Math.max(0, summary.arms.indexOf(arm));
    return { colour: okabeIto[i % okabeIto.length]!, marker: markers[i % markers.length]!, markerName: markerNames[i % markerNames.length]!, dash: dashes[i % dashes.length]! };
  };
  const scaleInfo = (instrument: string, scale: string) => labels.scales.find((s) => s.instrument === instrument && s.scale === scale);
  const panelTitle = (instrument: string, scale: string) => {
    const info = scaleInfo(instrument, scale);
    return { heading: info?.instrumentName ?? instrument, sub: info?.label ?? scale };
  };

  const arms = summary.arms.filter((arm) => summary.trajectories.some((p) => p.arm === arm));
  const panels = summary.scales;
  const columns = Math.min(2, Math.max(1, panels.length));
  const rows = Math.ceil(panels.length / columns);
  const nTable = arms.length * N_ROW + 6;
  const panelHeight = PANEL_TITLE + PLOT_HEIGHT + X_AXIS + nTable + 16;
  const legendTop = 64;
  const header = legendTop + arms.length * 18 + 10;
  const width = columns * PANEL_WIDTH;
  const height = header + Math.max(1, rows) * panelHeight;

  const desc: string[] = [
    `Mean and 95% confidence interval (t distribution, n − 1 degrees of freedom) of each scale at each timepoint, by arm. ` +
      `n counts participants with a complete or prorated score. Baseline ${timepointLabel(summary.baseline)}, follow-up ${timepointLabel(summary.followup)}.`,
  ];
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="tp-title tp-desc" font-family="${FONT}" font-size="12">`,
  );
  const descAt = out.length;
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="16" y="26" font-size="17" font-weight="bold" fill="#111">${escapeXml(`${labels.title}: outcome trajectories by arm`)}</text>`);
  out.push(
    `<text x="16" y="46" fill="#333">${escapeXml(`Mean ± 95% CI at each timepoint; n = participants with a complete or prorated score.`)}</text>`,
  );

  // Legend: line sample, marker and label for each arm.
  out.push(`<g class="legend" transform="translate(16,${legendTop})">`);
  arms.forEach((arm, i) => {
    const s = style(arm);
    const y = i * 18;
    out.push(
      `<g class="legend-item" data-arm="${escapeXml(arm)}"><line x1="0" y1="${y}" x2="36" y2="${y}" stroke="${s.colour}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>` +
        `<path d="${symbol(s.marker, 64)()}" transform="translate(18,${y})" fill="${s.colour}" stroke="#000" stroke-width="0.6"/>` +
        `<text x="44" y="${y + 4}" fill="#111">${escapeXml(`${armLabel(arm)} (${arm}; ${s.markerName})`)}</text></g>`,
    );
  });
  out.push(`</g>`);

  if (panels.length === 0) {
    out.push(`<text x="16" y="${header + 30}" fill="#333">No scored data yet.</text>`);
    desc.push('No scored data yet.');
  }

  panels.forEach(({ instrument, scale }, index) => {
    const ox = (index % columns) * PANEL_WIDTH;
    const oy = header + Math.floor(index / columns) * panelHeight;
    const points = summary.trajectories.filter((p) => p.instrument === instrument && p.scale === scale);
    const timepoints = summary.timepoints.filter((t) => points.some((p) => p.timepoint === t));
    const x = scalePoint<string>().domain(timepoints).range([0, PLOT_WIDTH]).padding(0.5);
    const extent = points.flatMap((p) => [p.ciLow ?? p.mean, p.ciHigh ?? p.mean]).filter((v): v is number => v !== null);
    let lo = Math.min(...extent);
    let hi = Math.max(...extent);
    if (extent.length === 0) [lo, hi] = [0, 1];
    else if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
    const y = scaleLinear().domain([lo, hi]).range([PLOT_HEIGHT, 0]).nice(5);
    const ticks = y.ticks(5);
    const tickFormat = y.tickFormat(5);
    const { heading, sub } = panelTitle(instrument, scale);
    const yLabel = axisLabel(scaleInfo(instrument, scale)?.label ?? scale);
    const panelId = `panel-${index}`;
    const plotTop = oy + PANEL_TITLE;
    const dodge = (arm: string) => (arms.indexOf(arm) - (arms.length - 1) / 2) * 7;
    const at = (p: TrajectoryPoint) => ({ cx: (x(p.timepoint) ?? 0) + dodge(p.arm), cy: p.mean === null ? null : y(p.mean) });

    out.push(`<g class="panel" id="${panelId}" data-instrument="${escapeXml(instrument)}" data-scale="${escapeXml(scale)}">`);
    out.push(`<title>${escapeXml(`${heading}: ${sub}`)}</title>`);
    out.push(`<text x="${ox + 16}" y="${oy + 16}" font-size="14" font-weight="bold" fill="#111">${escapeXml(heading)}</text>`);
    out.push(`<text x="${ox + 16}" y="${oy + 32}" font-size="11" fill="#333">${escapeXml(sub)}</text>`);
    out.push(`<g transform="translate(${ox + MARGIN.left},${plotTop})">`);

    // Axes and grid.
    for (const tick of ticks) {
      out.push(
        `<line class="grid" x1="0" x2="${PLOT_WIDTH}" y1="${px(y(tick))}" y2="${px(y(tick))}" stroke="#e3e3e3"/>` +
          `<text x="-8" y="${px(y(tick) + 4)}" text-anchor="end" fill="#333">${escapeXml(tickFormat(tick))}</text>`,
      );
    }
    out.push(`<line class="axis" x1="0" x2="0" y1="0" y2="${PLOT_HEIGHT}" stroke="#333"/>`);
    out.push(`<line class="axis" x1="0" x2="${PLOT_WIDTH}" y1="${PLOT_HEIGHT}" y2="${PLOT_HEIGHT}" stroke="#333"/>`);
    out.push(
      `<text class="y-label" transform="translate(-50,${PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle" fill="#111">${escapeXml(yLabel)}</text>`,
    );
    for (const t of timepoints) {
      out.push(
        `<line x1="${px(x(t)!)}" x2="${px(x(t)!)}" y1="${PLOT_HEIGHT}" y2="${PLOT_HEIGHT + 5}" stroke="#333"/>` +
          `<text class="x-tick" x="${px(x(t)!)}" y="${PLOT_HEIGHT + 18}" text-anchor="middle" fill="#111">${escapeXml(timepointLabel(t))}</text>`,
      );
    }
    out.push(`<text class="x-label" x="${PLOT_WIDTH / 2}" y="${PLOT_HEIGHT + 34}" text-anchor="middle" fill="#111">Timepoint</text>`);

    // One group per arm: the line through the means, the CI bars, the markers.
    const panelDesc: string[] = [];
    for (const arm of arms) {
      const s = style(arm);
      const mine = timepoints.map((t) => points.find((p) => p.arm === arm && p.timepoint === t)).filter((p): p is TrajectoryPoint => p !== undefined);
      if (mine.every((p) => p.mean === null)) continue; // nothing to draw; its n (0) is in the table below
      const d = line<TrajectoryPoint>()
        .defined((p) => p.mean !== null)
        .x((p) => at(p).cx)
        .y((p) => at(p).cy ?? 0)(mine);
      out.push(`<g class="arm" data-arm="${escapeXml(arm)}">`);
      out.push(
        `<path class="arm-line" data-arm="${escapeXml(arm)}" d="${d ?? ''}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      );
      for (const p of mine) {
        const { cx, cy } = at(p);
        const text = `${armLabel(arm)}, ${timepointLabel(p.timepoint)}: mean ${fmt(p.mean)}, 95% CI ${fmt(p.ciLow)} to ${fmt(p.ciHigh)}, n = ${p.n}`;
        panelDesc.push(text);
        if (p.ciLow !== null && p.ciHigh !== null) {
          const [y1, y2] = [y(p.ciLow), y(p.ciHigh)];
          out.push(
            `<path class="ci" d="M${px(cx)},${px(y1)}V${px(y2)}M${px(cx - 4)},${px(y1)}H${px(cx + 4)}M${px(cx - 4)},${px(y2)}H${px(cx + 4)}" stroke="${s.colour}" stroke-width="1.5" fill="none"/>`,
          );
        }
        if (cy !== null) {
          out.push(
            `<path class="marker" d="${symbol(s.marker, 64)()}" transform="translate(${px(cx)},${px(cy)})" fill="${s.colour}" stroke="#000" stroke-width="0.6"><title>${escapeXml(text)}</title></path>`,
          );
        }
      }
      out.push(`</g>`);
    }

    // n per arm per timepoint, under the axis.
    const tableTop = PLOT_HEIGHT + X_AXIS + 8;
    out.push(`<g class="n-table" transform="translate(0,${tableTop})">`);
    out.push(`<text x="-60" y="0" font-size="11" font-weight="bold" fill="#111">n</text>`);
    arms.forEach((arm, i) => {
      const s = style(arm);
      const rowY = (i + 1) * N_ROW;
      out.push(
        `<g class="n-row" data-arm="${escapeXml(arm)}"><path d="${symbol(s.marker, 36)()}" transform="translate(-56,${rowY - 4})" fill="${s.colour}" stroke="#000" stroke-width="0.5"/>` +
          `<text x="-48" y="${rowY}" font-size="11" fill="#111">${escapeXml(arm.length > 8 ? `${arm.slice(0, 7)}…` : arm)}</text>`,
      );
      for (const t of timepoints) {
        const p = points.find((q) => q.arm === arm && q.timepoint === t);
        out.push(`<text class="n" x="${px(x(t)!)}" y="${rowY}" text-anchor="middle" font-size="11" fill="#111">${p ? p.n : '–'}</text>`);
      }
      out.push(`</g>`);
    });
    out.push(`</g>`);
    out.push(`</g></g>`);
    desc.push(`${heading}, ${sub}: ${panelDesc.join('; ')}.`);
  });

  out.push(`</svg>`);
  out.splice(descAt, 0, `<title id="tp-title">${escapeXml(`${labels.title}: outcome trajectories by arm (mean ± 95% CI)`)}</title>`, `<desc id="tp-desc">${escapeXml(desc.join(' '))}</desc>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${out.join('\n')}\n`;
}
