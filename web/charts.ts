// The loss and metric (accuracy, R², …) curves of each split, drawn with the report's SVG
// plots. A plot is 560 units wide with 12-unit text, which a phone shrinks to 7 px; here the
// text grows as the chart narrows, so that it never renders smaller than MIN_TEXT_PX.
import type { HistoryEntry, Metric } from '../src/index.js';
import { COLORS, linePlot } from '../src/report/svg.js';

const MIN_TEXT_PX = 11;
/** The size of a plot's smallest text (its ticks and labels), in plot units. */
const SMALLEST_TEXT = 12;

/** Sets the scale of `chart`'s text (the --text-scale its texts' font sizes multiply) for the width it has now. */
function fitText(chart: HTMLElement): void {
  const svg = chart.querySelector('svg');
  if (!svg) return;
  const pxPerUnit = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const scale = Math.max(1, MIN_TEXT_PX / (SMALLEST_TEXT * pxPerUnit));
  chart.style.setProperty('--text-scale', String(scale));
  chart.classList.toggle('enlarged', scale > 1);
}

const resized = new ResizeObserver((entries) => entries.forEach((e) => fitText(e.target as HTMLElement)));

/** Draws `svg` in `chart`, its texts scaled by --text-scale from the sizes the plot gave them. */
function show(chart: HTMLElement, svg: string): void {
  chart.innerHTML = svg;
  const root = chart.querySelector('svg')!;
  root.querySelectorAll('text').forEach((text) => {
    const size = text.getAttribute('font-size') ?? root.getAttribute('font-size') ?? String(SMALLEST_TEXT);
    text.style.fontSize = `calc(${size}px * var(--text-scale, 1))`;
  });
  resized.observe(chart);
  fitText(chart);
}

/** The loss and `metric` curves of `history` on each split it has, or a line saying they are to come. */
export function drawCharts(lossChart: HTMLElement, metricChart: HTMLElement, history: readonly HistoryEntry[], loss: string, metric: Metric): void {
  if (history.length === 0) {
    for (const chart of [lossChart, metricChart]) {
      resized.unobserve(chart);
      chart.innerHTML = `<p class="placeholder">The ${chart === lossChart ? 'loss' : metric.label} curves appear after the first epoch.</p>`;
    }
    return;
  }
  const splits = [
    { label: 'Training', color: COLORS.train, scores: (h: HistoryEntry) => h.train },
    ...(history[0].validation ? [{ label: 'Validation', color: COLORS.line, scores: (h: HistoryEntry) => h.validation! }] : []),
    { label: 'Test', color: COLORS.test, scores: (h: HistoryEntry) => h.test },
  ];
  const curves = (name: string) => splits.map(({ label, color, scores }) => ({ label, color, points: history.map((h) => [h.epoch, scores(h)[name]] as [number, number]) }));
  const format = (v: number) => v.toFixed(3);
  const title = metric.label[0].toUpperCase() + metric.label.slice(1);
  show(lossChart, linePlot(`Loss (${loss})`, 'Epoch', 'Loss', curves('loss'), { integerX: true, format }));
  show(metricChart, linePlot(title, 'Epoch', title, curves(metric.name), { integerX: true, format }));
}
