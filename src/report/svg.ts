// Small SVG charts for the report, written by hand: a framed plot with ticks, grid, axis
// labels and a legend, and the few marks the seed's figures need. Colours are the
// Okabe–Ito palette, distinguishable with the common colour-vision deficiencies.

export const COLORS = {
  train: '#0072B2', // blue
  test: '#D55E00', // vermillion
  right: '#009E73', // bluish green
  wrong: '#D55E00', // vermillion
  bar: '#56B4E9', // sky blue
  line: '#009E73',
  validation: '#CC79A7', // reddish purple
  ink: '#222',
  grid: '#ddd',
};

export const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const n = (x: number) => +x.toFixed(2);

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 4 });

/**
 * An axis tick or bin edge: at most four significant digits; from 10,000 on compact (12.5K,
 * 20M), so that a label fits the 58 px left of the plot (20000000 ran into the axis title).
 */
export const formatTick = (v: number) => (Math.abs(v) >= 1e4 ? compact.format(v) : String(+v.toPrecision(4)));

/** About `count` round tick values covering [min, max]; whole numbers only if `integer`. */
export function niceTicks(min: number, max: number, count = 5, integer = false): number[] {
  if (max <= min) max = min + 1;
  const raw = Math.max((max - min) / count, integer ? 1 : 0);
  const mag = 10 ** Math.floor(Math.log10(raw));
  // 2.5 · 10⁰ is no whole step: epochs 2.5 and 7.5 were ticks.
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw && (!integer || Number.isInteger(s)))!;
  const ticks = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(+v.toPrecision(12));
  return ticks;
}

export interface Axis {
  label: string;
  min: number;
  max: number;
  ticks?: number[];
  format?: (v: number) => string;
  /** Category names at integer positions 0 … k−1 instead of numeric ticks. */
  categories?: string[];
}

export interface LegendEntry {
  label: string;
  color: string;
}

type Scale = (v: number) => number;

const W = 560, H = 350, M = { left: 64, right: 16, top: 52, bottom: 52 };

/** An SVG plot: title, axes with ticks and grid, labels, legend; `body` draws with the scales. */
export function plot(title: string, x: Axis, y: Axis, body: (sx: Scale, sy: Scale) => string, legend: LegendEntry[] = []): string {
  const pw = W - M.left - M.right, ph = H - M.top - M.bottom;
  const span = (a: Axis) => (a.categories ? [-0.5, a.categories.length - 0.5] : [a.min, a.max]);
  const [x0, x1] = span(x), [y0, y1] = span(y);
  const sx: Scale = (v) => M.left + ((v - x0) / (x1 - x0)) * pw;
  const sy: Scale = (v) => M.top + ph - ((v - y0) / (y1 - y0)) * ph;
  const fx = x.format ?? String, fy = y.format ?? String;
  const xt = x.categories ? x.categories.map((c, i) => [i, c] as const) : (x.ticks ?? niceTicks(x.min, x.max)).map((v) => [v, fx(v)] as const);
  const yt = (y.ticks ?? niceTicks(y.min, y.max)).map((v) => [v, fy(v)] as const);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}" font-family="system-ui, sans-serif" font-size="12">`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="15" font-weight="600" fill="${COLORS.ink}">${esc(title)}</text>`,
    ...yt.map(([v, s]) => `<line x1="${M.left}" x2="${W - M.right}" y1="${n(sy(v))}" y2="${n(sy(v))}" stroke="${COLORS.grid}"/>` +
      `<text x="${M.left - 6}" y="${n(sy(v)) + 4}" text-anchor="end" fill="${COLORS.ink}">${esc(s)}</text>`),
    ...xt.map(([v, s]) => `<line x1="${n(sx(v))}" x2="${n(sx(v))}" y1="${M.top + ph}" y2="${M.top + ph + 4}" stroke="${COLORS.ink}"/>` +
      `<text x="${n(sx(v))}" y="${M.top + ph + 18}" text-anchor="middle" fill="${COLORS.ink}">${esc(s)}</text>`),
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="${COLORS.ink}"/>`,
    body(sx, sy),
    `<text x="${M.left + pw / 2}" y="${H - 10}" text-anchor="middle" fill="${COLORS.ink}">${esc(x.label)}</text>`,
    `<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="${COLORS.ink}">${esc(y.label)}</text>`,
    // The legend is one row between the title and the plot, so it never covers data.
    ...legend.map((e, i) => {
      const lx = M.left + i * 170, ly = 40;
      return `<rect x="${lx}" y="${ly - 9}" width="14" height="10" fill="${e.color}"/><text x="${lx + 20}" y="${ly}" fill="${COLORS.ink}">${esc(e.label)}</text>`;
    }),
    '</svg>',
  ];
  return parts.join('\n');
}

export interface Series {
  label: string;
  color: string;
  points: [number, number][];
}

/** The range of values with a margin, for an axis that fits them (a loop: spreading 10⁵ values into Math.min overflows the stack). */
export function extent(values: number[], pad = 0.05): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const m = (hi - lo) * pad;
  return [lo - m, hi + m];
}

/** Points a series is drawn with at most: the plot is 480 px wide, so more add bytes to the page but nothing to see. */
export const MAX_DRAWN_POINTS = 500;

/** At most `max` of `points`, evenly spaced, the first and the last always among them (deterministic: the same points give the same picks). */
export function thin<T>(points: readonly T[], max = MAX_DRAWN_POINTS): readonly T[] {
  if (points.length <= max) return points;
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]);
}

/** Lines with point markers, one per series (a long one thinned, see thin). `zeroLine` draws y = 0 dashed. */
export function linePlot(title: string, xLabel: string, yLabel: string, series: Series[],
  opts: { zeroLine?: boolean; lines?: boolean; format?: (v: number) => string; integerX?: boolean } = {}): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0])), ys = series.flatMap((s) => s.points.map((p) => p[1]));
  if (opts.zeroLine) ys.push(0);
  series = series.map((s) => ({ ...s, points: [...thin(s.points)] }));
  const [xmin, xmax] = extent(xs), [ymin, ymax] = extent(ys, 0.1);
  const x = { label: xLabel, min: xmin, max: xmax, ticks: niceTicks(xmin, xmax, 5, opts.integerX) };
  return plot(title, x, { label: yLabel, min: ymin, max: ymax, format: opts.format }, (sx, sy) => [
    opts.zeroLine ? `<line x1="${sx(xmin)}" x2="${sx(xmax)}" y1="${n(sy(0))}" y2="${n(sy(0))}" stroke="${COLORS.ink}" stroke-dasharray="5 4"/>` : '',
    ...series.map((s) => [
      opts.lines === false ? '' : `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.points.map(([x, y]) => `${n(sx(x))},${n(sy(y))}`).join(' ')}"/>`,
      ...s.points.map(([x, y]) => `<circle cx="${n(sx(x))}" cy="${n(sy(y))}" r="${opts.lines === false ? 5 : 3}" fill="${s.color}" fill-opacity="${opts.lines === false ? 0.75 : 1}"><title>${esc(`${s.label}: (${x}, ${y.toFixed(4)})`)}</title></circle>`),
    ].join('')),
  ].join('\n'), series.map((s) => ({ label: s.label, color: s.color })));
}

/** One bar per category with its value written above it. */
export function barChart(title: string, xLabel: string, yLabel: string, categories: string[], values: number[], yMax = 1): string {
  return plot(title, { label: xLabel, min: 0, max: 0, categories }, { label: yLabel, min: 0, max: yMax * 1.1, ticks: niceTicks(0, yMax) }, (sx, sy) =>
    values.map((v, i) => {
      const x = sx(i - 0.4), w = sx(i + 0.4) - x;
      return `<rect x="${n(x)}" y="${n(sy(v))}" width="${n(w)}" height="${n(sy(0) - sy(v))}" fill="${COLORS.bar}" stroke="#1b6f99"/>` +
        `<text x="${n(sx(i))}" y="${n(sy(v)) - 4}" text-anchor="middle" fill="${COLORS.ink}" font-size="11">${v.toFixed(3)}</text>`;
    }).join('\n'));
}

export interface HistogramGroup {
  label: string;
  color: string;
  values: ArrayLike<number>;
}

/** How many of each group's values fall in each of `bins` equal bins of [min, max] (values outside go to the end bins). */
export function binCounts(groups: readonly HistogramGroup[], bins: number, min: number, max: number): number[][] {
  return groups.map((g) => {
    const c = new Array<number>(bins).fill(0);
    for (let i = 0; i < g.values.length; i++) c[Math.min(bins - 1, Math.max(0, Math.floor(((g.values[i] - min) / (max - min)) * bins)))]++;
    return c;
  });
}

/** A histogram of values in [range[0], range[1]] (default [0, 1]) in `bins` bins, one stacked bar segment per group. */
export function stackedHistogram(title: string, xLabel: string, groups: HistogramGroup[], bins = 20,
  range: [number, number] = [0, 1], format: (v: number) => string = (v) => v.toFixed(2)): string {
  const [min, max] = range, edge = (b: number) => min + ((max - min) * b) / bins;
  const counts = binCounts(groups, bins, min, max);
  const totals = counts[0].map((_, b) => counts.reduce((s, c) => s + c[b], 0));
  const top = Math.max(...totals, 1);
  return plot(title, { label: xLabel, min, max, format }, { label: 'Frequency', min: 0, max: top * 1.05 }, (sx, sy) => {
    const out: string[] = [];
    for (let b = 0; b < bins; b++) {
      let base = 0;
      counts.forEach((c, g) => {
        if (c[b] === 0) return;
        const x = sx(edge(b)), w = sx(edge(b + 1)) - x;
        out.push(`<rect x="${n(x)}" y="${n(sy(base + c[b]))}" width="${n(w)}" height="${n(sy(base) - sy(base + c[b]))}" fill="${groups[g].color}" stroke="#fff" stroke-width="0.5"><title>${esc(`${groups[g].label}, ${format(edge(b))}–${format(edge(b + 1))}: ${c[b]}`)}</title></rect>`);
        base += c[b];
      });
    }
    return out.join('\n');
  }, groups.map((g) => ({ label: g.label, color: g.color })));
}

/** Points a scatter plot draws at most: enough to show the cloud's shape, few enough to keep the page small. */
export const MAX_SCATTER_POINTS = 2000;

/** Of points beyond MAX_SCATTER_POINTS, those farthest from y = x are always drawn: the worst predictions are what the plot is for. */
const FARTHEST_KEPT = MAX_SCATTER_POINTS / 20;

/** At most MAX_SCATTER_POINTS of `points`: the FARTHEST_KEPT farthest from y = x, then the others thinned (deterministic). */
export function scatterPicks(points: readonly [number, number][]): readonly [number, number][] {
  if (points.length <= MAX_SCATTER_POINTS) return points;
  const off = (i: number) => Math.abs(points[i][1] - points[i][0]);
  const farthest = points.map((_, i) => i).sort((a, b) => off(b) - off(a) || a - b).slice(0, FARTHEST_KEPT);
  const kept = new Set(farthest);
  return [...farthest.map((i) => points[i]), ...thin(points.filter((_, i) => !kept.has(i)), MAX_SCATTER_POINTS - FARTHEST_KEPT)];
}

/**
 * A scatter plot of points (at most MAX_SCATTER_POINTS, see scatterPicks), both axes over
 * the same range so that the dashed diagonal y = x is at 45°: predictions against the truth.
 */
export function scatterPlot(title: string, xLabel: string, yLabel: string, points: readonly [number, number][], color: string): string {
  const drawn = scatterPicks(points);
  const [lo, hi] = extent(drawn.flatMap((p) => p));
  const axis = (label: string) => ({ label, min: lo, max: hi, format: formatTick });
  return plot(title, axis(xLabel), axis(yLabel), (sx, sy) => [
    `<line x1="${n(sx(lo))}" y1="${n(sy(lo))}" x2="${n(sx(hi))}" y2="${n(sy(hi))}" stroke="${COLORS.ink}" stroke-dasharray="5 4"/>`,
    ...drawn.map(([x, y]) => `<circle cx="${n(sx(x))}" cy="${n(sy(y))}" r="2" fill="${color}" fill-opacity="0.45"/>`),
  ].join('\n'), [{ label: 'y = x', color: COLORS.ink }, { label: drawn.length < points.length ? `${drawn.length} of ${points.length} samples` : 'Samples', color }]);
}

/** Width in px of `text` at 12 px system-ui, roughly (for room for labels). */
const textWidth = (text: string) => text.length * 7;

/** The smallest cell, in px, that holds its count as text (9 px digits), and that names its class on an axis (12 px labels). */
const COUNTED_CELL = 14, NAMED_CELL = 12;

/**
 * The confusion matrix cm[actual][predicted] of `split` ('test set', 'scored rows') as an
 * annotated heatmap, sequential blues, titled as the seed's plot ("Confusion Matrix (Test
 * Set)"); classes named by `names` (default 0, 1, …). The matrix stays 440 px wide, so with
 * many classes its cells shrink: below COUNTED_CELL they carry their count as a tooltip
 * alone, below NAMED_CELL only every few classes are named, and cells of 0 are the
 * background, not a rectangle each (200 classes: 40,000 cells, mostly 0).
 */
export function confusionHeatmap(split: string, cm: number[][], names: readonly string[] = cm.map((_, i) => String(i))): string {
  const title = `Confusion Matrix (${split.replace(/\b\w/g, (c) => c.toUpperCase())})`;
  const k = cm.length, cell = Math.max(1, Math.min(100, Math.floor(440 / k)));
  const longest = Math.max(...names.map(textWidth));
  // Column names longer than a cell are written slanted, below the matrix.
  const slanted = longest > cell, left = Math.max(70, longest + 36), top = 40;
  const size = k * cell, max = cm.reduce((m, row) => row.reduce((a, v) => Math.max(a, v), m), 1);
  const shade = (v: number) => {
    const t = Math.sqrt(v / max);
    const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
    return { fill: `rgb(${mix(247, 8)},${mix(251, 48)},${mix(255, 107)})`, text: t > 0.55 ? '#fff' : COLORS.ink };
  };
  const counted = cell >= COUNTED_CELL, every = Math.ceil(NAMED_CELL / cell);
  const cells = cm.flatMap((row, a) => row.flatMap((v, p) => {
    if (v === 0 && !counted) return [];
    const s = shade(v), x = left + p * cell, y = top + a * cell;
    return [`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${s.fill}"><title>${esc(`actual ${names[a]}, predicted ${names[p]}: ${v}`)}</title></rect>` +
      (counted ? `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="${cell > 60 ? 15 : cell > 36 ? 11 : 9}" fill="${s.text}">${v}</text>` : '')];
  }));
  const labels = names.flatMap((name, i) => {
    if (i % every !== 0) return [];
    const x = left + i * cell + cell / 2, y = top + size + 16;
    const column = slanted ? `<text transform="translate(${x} ${y - 4}) rotate(-35)" text-anchor="end">${esc(name)}</text>` : `<text x="${x}" y="${y}" text-anchor="middle">${esc(name)}</text>`;
    return column + `<text x="${left - 8}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${esc(name)}</text>`;
  });
  const below = slanted ? Math.ceil(longest * 0.6) : 0, w = left + size + 20, h = top + size + 48 + below;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}" font-family="system-ui, sans-serif" font-size="12" fill="${COLORS.ink}">`,
    `<text x="${w / 2}" y="20" text-anchor="middle" font-size="15" font-weight="600">${esc(title)}</text>`,
    ...(counted ? [] : [`<rect x="${left}" y="${top}" width="${size}" height="${size}" fill="${shade(0).fill}"/>`]),
    ...cells, ...labels,
    `<text x="${left + size / 2}" y="${h - 8}" text-anchor="middle">Predicted</text>`,
    `<text transform="translate(18 ${top + size / 2}) rotate(-90)" text-anchor="middle">Actual</text>`,
    '</svg>',
  ].join('\n');
}
