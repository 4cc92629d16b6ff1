// The loss and accuracy curves, drawn with the report's SVG plots. A plot is 560 units wide
// with 12-unit text, which a phone shrinks to 7 px; here the text grows as the chart narrows,
// so that it never renders smaller than MIN_TEXT_PX.
import type { HistoryEntry } from '../src/index.js';
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

/** The curves of `history` in the two charts, or a line saying they are to come. */
export function drawCharts(lossChart: HTMLElement, accuracyChart: HTMLElement, history: readonly HistoryEntry[]): void {
  if (history.length === 0) {
    for (const chart of [lossChart, accuracyChart]) {
      resized.unobserve(chart);
      chart.innerHTML = `<p class="placeholder">The ${chart === lossChart ? 'loss' : 'accuracy'} curves appear after the first epoch.</p>`;
    }
    return;
  }
  const curves = (value: (h: HistoryEntry) => number, testValue: (h: HistoryEntry) => number) => [
    { label: 'Training', color: COLORS.train, points: history.map((h) => [h.epoch, value(h)] as [number, number]) },
    { label: 'Test', color: COLORS.test, points: history.map((h) => [h.epoch, testValue(h)] as [number, number]) },
  ];
  const format = (v: number) => v.toFixed(3);
  show(lossChart, linePlot('Loss (cross-entropy)', 'Epoch', 'Loss', curves((h) => h.train.loss, (h) => h.test.loss), { integerX: true, format }));
  show(accuracyChart, linePlot('Accuracy', 'Epoch', 'Accuracy', curves((h) => h.train.accuracy, (h) => h.test.accuracy), { integerX: true, format }));
}
