/**
 * Two small inline-SVG chart builders for the HTML report: a line chart on a log x axis (accuracy
 * vs budget or FLOPs, like the paper's figures) and a grouped bar chart (accuracy per difficulty).
 * They return markup strings with no scripts, fonts or external references, so the report opens
 * offline; values show on hover through native SVG `<title>` tooltips.
 */

export interface LinePoint {
  x: number;
  /** In [0, 1]. */
  y: number;
  /** Optional interval drawn as a whisker, e.g. a 95% CI. */
  low?: number;
  high?: number;
  /** Tooltip text; defaults to the coordinates. */
  label?: string;
}

export interface LineSeries {
  name: string;
  color: string;
  points: LinePoint[];
}

/** A horizontal line across the plot, e.g. the CoT baseline. */
export interface ReferenceLine {
  name: string;
  y: number;
  color: string;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Log base of the x axis: 2 for budgets (1, 4, 16, 64), 10 for FLOPs. */
  xLogBase: 2 | 10;
  series: LineSeries[];
  referenceLines?: ReferenceLine[];
}

export interface BarSeries {
  name: string;
  color: string;
  /** One value per group, in [0, 1]; null leaves a gap. */
  values: (number | null)[];
  /** Tooltips per group. */
  labels?: (string | null)[];
}

export interface BarChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  groups: string[];
  series: BarSeries[];
}

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 60, right: 24, top: 40, bottom: 100 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
const AXIS_COLOR = '#444';
const GRID_COLOR = '#e3e3e3';

/** Escapes text for XML/HTML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function round(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

function percent(value: number): string {
  return `${Math.round(value * 1000) / 10}%`;
}

/** A y range that fits the data with some air, snapped to tenths, at least 0.2 wide, within [0, 1]. */
function yDomain(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let low = Math.max(0, Math.floor((Math.min(...values) - 0.02) * 10) / 10);
  let high = Math.min(1, Math.ceil((Math.max(...values) + 0.02) * 10) / 10);
  if (high - low < 0.2) {
    high = Math.min(1, low + 0.2);
    low = Math.max(0, high - 0.2);
  }
  return [low, high];
}

function yTicks([low, high]: [number, number]): number[] {
  const step = high - low > 0.6 ? 0.2 : 0.1;
  const ticks: number[] = [];
  for (let tick = low; tick <= high + 1e-9; tick += step) ticks.push(Math.round(tick * 100) / 100);
  return ticks;
}

function frame(title: string, body: string, legend: string): string {
  const id = `plot-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    `<svg class="plot" role="img" aria-labelledby="${escapeXml(id)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">` +
    `<title id="${escapeXml(id)}">${escapeXml(title)}</title>` +
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>` +
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(title)}</text>` +
    body +
    legend +
    `</svg>`
  );
}

function yAxis(domain: [number, number], yLabel: string, toY: (value: number) => number): string {
  const parts = yTicks(domain).map((tick) => {
    const y = round(toY(tick));
    return (
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_WIDTH}" y1="${y}" y2="${y}" stroke="${GRID_COLOR}"/>` +
      `<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="11">${percent(tick)}</text>`
    );
  });
  const middle = MARGIN.top + PLOT_HEIGHT / 2;
  parts.push(
    `<text x="16" y="${middle}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${middle})">${escapeXml(yLabel)}</text>`,
  );
  parts.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_HEIGHT}" stroke="${AXIS_COLOR}"/>`,
  );
  parts.push(
    `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_WIDTH}" y1="${MARGIN.top + PLOT_HEIGHT}" y2="${MARGIN.top + PLOT_HEIGHT}" stroke="${AXIS_COLOR}"/>`,
  );
  return parts.join('');
}

/** Legend entries in rows under the x-axis label. */
function legend(entries: readonly { name: string; color: string; isDashed?: boolean }[]): string {
  const parts: string[] = [];
  let x = MARGIN.left;
  let y = HEIGHT - 44;
  for (const entry of entries) {
    const width = 34 + entry.name.length * 7;
    if (x + width > WIDTH - MARGIN.right) {
      x = MARGIN.left;
      y += 18;
    }
    parts.push(
      `<g class="legend-item"><line x1="${x}" x2="${x + 20}" y1="${y}" y2="${y}" stroke="${entry.color}" stroke-width="3"${entry.isDashed ? ' stroke-dasharray="6 4"' : ''}/>` +
        `<text x="${x + 26}" y="${y}" dominant-baseline="middle" font-size="12">${escapeXml(entry.name)}</text></g>`,
    );
    x += width;
  }
  return parts.join('');
}

function superscriptPower(base: number, exponent: number): string {
  return base === 2 ? String(2 ** exponent) : `10<tspan dy="-6" font-size="9">${exponent}</tspan>`;
}

/** A line chart with a log x axis, optional CI whiskers and horizontal reference lines. */
export function lineChart(options: LineChartOptions): string {
  const base = options.xLogBase;
  const log = (value: number): number => Math.log(value) / Math.log(base);
  const xs = options.series
    .flatMap((series) => series.points.map((point) => point.x))
    .filter((x) => x > 0);
  const references = options.referenceLines ?? [];
  const ys = [
    ...options.series.flatMap((series) =>
      series.points.flatMap((point) => [point.y, point.low ?? point.y, point.high ?? point.y]),
    ),
    ...references.map((line) => line.y),
  ];
  if (xs.length === 0) {
    const body = `<text x="${WIDTH / 2}" y="${HEIGHT / 2}" text-anchor="middle" font-size="13" fill="#777">no data yet</text>`;
    return frame(options.title, body, '');
  }
  // Snap the x range to whole powers of the base, with at least one power on each side of a lone value.
  let xLow = Math.floor(log(Math.min(...xs)));
  let xHigh = Math.ceil(log(Math.max(...xs)));
  if (xHigh - xLow < 1) {
    xLow -= 1;
    xHigh += 1;
  }
  const domain = yDomain(ys);
  // A little air on both sides so the first and last points do not sit on the axes.
  const padding = 0.06 * (xHigh - xLow);
  const toX = (value: number): number =>
    MARGIN.left + ((log(value) - xLow + padding) / (xHigh - xLow + 2 * padding)) * PLOT_WIDTH;
  const toY = (value: number): number =>
    MARGIN.top + (1 - (value - domain[0]) / (domain[1] - domain[0])) * PLOT_HEIGHT;

  const parts: string[] = [yAxis(domain, options.yLabel, toY)];
  const tickStep = Math.max(1, Math.ceil((xHigh - xLow) / 10));
  for (let exponent = xLow; exponent <= xHigh; exponent += tickStep) {
    const x = round(toX(base ** exponent));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${MARGIN.top + PLOT_HEIGHT}" y2="${MARGIN.top + PLOT_HEIGHT + 5}" stroke="${AXIS_COLOR}"/>`,
    );
    parts.push(
      `<text x="${x}" y="${MARGIN.top + PLOT_HEIGHT + 18}" text-anchor="middle" font-size="11">${superscriptPower(base, exponent)}</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + PLOT_WIDTH / 2}" y="${MARGIN.top + PLOT_HEIGHT + 38}" text-anchor="middle" font-size="12">${escapeXml(options.xLabel)}</text>`,
  );

  for (const line of references) {
    const y = round(toY(line.y));
    parts.push(
      `<g class="reference"><title>${escapeXml(`${line.name}: ${percent(line.y)}`)}</title>` +
        `<line x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_WIDTH}" y1="${y}" y2="${y}" stroke="${line.color}" stroke-width="2" stroke-dasharray="6 4"/></g>`,
    );
  }
  for (const [seriesIndex, series] of options.series.entries()) {
    const points = [...series.points].filter((point) => point.x > 0).sort((a, b) => a.x - b.x);
    // Dodge series sideways by a few pixels so points and whiskers at the same x stay visible.
    const dodge = (seriesIndex - (options.series.length - 1) / 2) * 4;
    const xOf = (point: LinePoint): string => round(toX(point.x) + dodge);
    const path = points.map((point) => `${xOf(point)},${round(toY(point.y))}`).join(' ');
    const marks = points.map((point) => {
      const x = xOf(point);
      const whisker =
        point.low !== undefined && point.high !== undefined
          ? `<line x1="${x}" x2="${x}" y1="${round(toY(point.low))}" y2="${round(toY(point.high))}" stroke="${series.color}" stroke-opacity="0.45" stroke-width="1.5"/>`
          : '';
      const label = point.label ?? `${series.name}: ${percent(point.y)}`;
      return `${whisker}<circle cx="${x}" cy="${round(toY(point.y))}" r="4" fill="${series.color}"><title>${escapeXml(label)}</title></circle>`;
    });
    parts.push(
      `<g class="series">${points.length > 1 ? `<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2"/>` : ''}${marks.join('')}</g>`,
    );
  }
  const entries = [
    ...references.map((line) => ({ name: line.name, color: line.color, isDashed: true })),
    ...options.series.map((series) => ({ name: series.name, color: series.color })),
  ];
  return frame(options.title, parts.join(''), legend(entries));
}

/** A grouped bar chart on a 0–100% axis. */
export function barChart(options: BarChartOptions): string {
  const domain: [number, number] = [0, 1];
  const toY = (value: number): number => MARGIN.top + (1 - value) * PLOT_HEIGHT;
  const parts: string[] = [yAxis(domain, options.yLabel, toY)];
  const groupWidth = PLOT_WIDTH / Math.max(1, options.groups.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, options.series.length);
  for (const [groupIndex, group] of options.groups.entries()) {
    const groupX = MARGIN.left + groupIndex * groupWidth;
    parts.push(
      `<text x="${round(groupX + groupWidth / 2)}" y="${MARGIN.top + PLOT_HEIGHT + 18}" text-anchor="middle" font-size="11">${escapeXml(group)}</text>`,
    );
    for (const [seriesIndex, series] of options.series.entries()) {
      const value = series.values[groupIndex];
      if (value === null || value === undefined) continue;
      const x = round(groupX + groupWidth * 0.1 + seriesIndex * barWidth);
      const y = round(toY(value));
      const label = series.labels?.[groupIndex] ?? `${series.name}, ${group}: ${percent(value)}`;
      parts.push(
        `<rect class="bar" x="${x}" y="${y}" width="${round(Math.max(1, barWidth - 2))}" height="${round(MARGIN.top + PLOT_HEIGHT - toY(value))}" fill="${series.color}"><title>${escapeXml(label)}</title></rect>`,
      );
    }
  }
  parts.push(
    `<text x="${MARGIN.left + PLOT_WIDTH / 2}" y="${MARGIN.top + PLOT_HEIGHT + 38}" text-anchor="middle" font-size="12">${escapeXml(options.xLabel)}</text>`,
  );
  return frame(
    options.title,
    parts.join(''),
    legend(options.series.map((series) => ({ name: series.name, color: series.color }))),
  );
}
