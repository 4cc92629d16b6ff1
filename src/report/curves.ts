// History curves for any task: one chart per score the task is judged by (the loss first),
// each with a line for train, validation (when the run had one) and test, side by side.
import type { Metric } from '../tasks/task.js';
import type { HistoryEntry } from '../train.js';
import type { PageSection } from './page.js';
import { COLORS, esc, formatTick, linePlot, type Series } from './svg.js';

const SPLITS = [
  { split: 'train', label: 'Train', color: COLORS.train },
  { split: 'validation', label: 'Validation', color: COLORS.validation },
  { split: 'test', label: 'Test', color: COLORS.test },
] as const;

/** A metric's label with its first letter up, for headings ("Subset accuracy", "R²"). */
export const capitalised = (label: string) => label[0].toUpperCase() + label.slice(1);

/** The lines of one metric: a series per split that has values of it in the history. */
function metricSeries(history: readonly HistoryEntry[], metric: Metric): Series[] {
  return SPLITS.map(({ split, label, color }) => ({
    label, color,
    points: history.flatMap((h): [number, number][] => {
      const v = h[split]?.[metric.name];
      return typeof v === 'number' && Number.isFinite(v) ? [[h.epoch, v]] : [];
    }),
  })).filter((s) => s.points.length > 0);
}

/**
 * A note for charts of a history whose training figures scored a subset of the training
 * split at some epochs (TrainOptions.trainScoreSamples): which epochs, and how many samples;
 * '' where every one scored every sample.
 */
export function sampledTrainingNote(history: readonly HistoryEntry[]): string {
  const sampled = history.filter((h) => h.trainSamples !== undefined);
  if (sampled.length === 0) return '';
  const counts = [...new Set(sampled.map((h) => h.trainSamples!.toLocaleString('en-US')))].join(' or ');
  const which = sampled.length === history.length ? 'The training figures score'
    : `The training figures of epoch${sampled.length > 1 ? 's' : ''} ${epochRanges(sampled.map((h) => h.epoch))} score`;
  const rest = sampled.length === history.length ? '' : '; the others score every sample';
  return `<p class="note">${esc(`${which} a fixed subset of ${counts} training samples${rest}.`)}</p>`;
}

/** Epochs in increasing order as ranges: 1–4, 6. */
function epochRanges(epochs: readonly number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < epochs.length;) {
    let j = i;
    while (j + 1 < epochs.length && epochs[j + 1] === epochs[j] + 1) j++;
    ranges.push(j > i ? `${epochs[i]}–${epochs[j]}` : String(epochs[i]));
    i = j + 1;
  }
  return ranges.join(', ');
}

/** One wide section of charts, one per metric (id "<metric>-curves"), then `note`; a note instead when the history is empty (`note` where given). */
export function curvesSection(history: readonly HistoryEntry[], metrics: readonly Metric[], note?: string): PageSection {
  const charts = metrics.flatMap((m) => {
    const series = metricSeries(history, m);
    return series.length
      ? [`<div id="${m.name}-curves">${linePlot(`${capitalised(m.label)} over training`, 'Epoch', capitalised(m.label), series, { format: formatTick, integerX: true })}</div>`]
      : [];
  });
  return {
    id: 'curves', heading: 'Training curves', wide: true,
    body: charts.length ? `<div class="charts">${charts.join('\n')}</div>${sampledTrainingNote(history)}${note ? `<p class="note">${esc(note)}</p>` : ''}`
      : `<p class="note">${esc(note ?? 'This run has no training history to draw.')}</p>`,
  };
}
