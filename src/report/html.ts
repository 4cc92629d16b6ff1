// The evaluation report: every analysis of the seed as one self-contained HTML page —
// inline SVG charts, PNG data URIs for images, no scripts, no network requests.
import type { DataSplits, LabelledImages } from '../data/dataset.js';
import type { ClassEvaluation } from '../evaluate.js';
import { confusionMatrix } from '../metrics.js';
import { Rng } from '../rng.js';
import type { HistoryEntry } from '../train.js';
import { sampledTrainingNote } from './curves.js';
import { imageDataUri } from './images.js';
import { renderPage } from './page.js';
import { describeRun, type Summary } from './summary.js';
import { classificationTable } from './tables.js';
import { COLORS, barChart, confusionHeatmap, esc, linePlot, stackedHistogram } from './svg.js';

export interface ReportInput {
  data: DataSplits<LabelledImages>;
  /** The network's evaluation of data.test. */
  evaluation: ClassEvaluation;
  history: readonly HistoryEntry[];
  summary: Summary;
  /** Seed of the random picks of sample images. Default 1. */
  seed?: number;
}

/** The sections, in order: id and heading. Tests check that each is present. */
export const SECTIONS = [
  ['samples', 'Sample images'],
  ['loss', 'Loss curves'],
  ['accuracy', 'Accuracy curves'],
  ['confusion', 'Confusion matrix'],
  ['predictions', 'Sample predictions'],
  ['mistakes', 'Most confident mistakes'],
  ['per-class', 'Per-class accuracy'],
  ['loss-vs-accuracy', 'Loss against accuracy'],
  ['overfitting', 'Overfitting indicator'],
  ['confidence', 'Prediction confidence'],
  ['classification-report', 'Classification report'],
  ['summary', 'Performance summary'],
] as const;

type SectionId = (typeof SECTIONS)[number][0];

/** The sections of images span the page. */
const WIDE: readonly SectionId[] = ['samples', 'predictions', 'mistakes'];

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

interface Tile {
  index: number;
  split: LabelledImages;
  caption: string;
  /** 'right' or 'wrong' colours the caption (with ✓ / ✗, so colour is not the only cue). */
  mark?: 'right' | 'wrong';
}

function tiles(items: Tile[]): string {
  return `<div class="tiles">${items.map((t) => {
    const cls = t.mark ? ` class="${t.mark}"` : '';
    const sign = t.mark === 'right' ? '✓ ' : t.mark === 'wrong' ? '✗ ' : '';
    return `<figure><img src="${imageDataUri(t.split, t.index)}" width="${t.split.cols * 3}" height="${t.split.rows * 3}" alt="${esc(t.caption)}">` +
      `<figcaption${cls}>${sign}${t.caption}</figcaption></figure>`;
  }).join('')}</div>`;
}

function distinct(rng: Rng, count: number, n: number): number[] {
  const picked = new Set<number>();
  while (picked.size < Math.min(count, n)) picked.add(rng.int(n));
  return [...picked];
}

function noHistory(summary: Summary): string {
  const left = summary.saved?.historyLeftOut;
  return left ? `<p class="note">${esc(left)}</p>`
    : '<p class="note">This model carries no training history (it was not trained by <code>simdnet train</code>).</p>';
}

/** The whole report page. */
export function renderReport({ data, evaluation, history, summary, seed = 1 }: ReportInput): string {
  const rng = new Rng(seed);
  const { test, train } = data;
  const ev = evaluation;
  const cm = confusionMatrix(test.labels, ev.predicted, data.classes);
  const report = summary.report;
  const wrong = [...ev.predicted.keys()].filter((i) => ev.predicted[i] !== test.labels[i]);
  const right = [...ev.predicted.keys()].filter((i) => ev.predicted[i] === test.labels[i]);
  const confidentMistakes = wrong.sort((a, b) => ev.confidence[b] - ev.confidence[a]).slice(0, 10);
  const classNames = Array.from({ length: data.classes }, (_, c) => String(c));

  const body: Record<SectionId, string> = {
    samples: tiles([
      ...distinct(rng, 10, train.count).map((i) => ({ index: i, split: train, caption: `training [${i}] = ${train.labels[i]}` })),
      ...distinct(rng, 5, test.count).map((i) => ({ index: i, split: test, caption: `test [${i}] = ${test.labels[i]}` })),
    ]),
    loss: history.length ? linePlot('Training and Testing Loss Over Time', 'Epoch', `Loss (${summary.run.loss === 'mse' ? 'MSE' : 'cross-entropy'})`, [
      { label: 'Training Loss', color: COLORS.train, points: history.map((h) => [h.epoch, h.train.loss]) },
      { label: 'Testing Loss', color: COLORS.test, points: history.map((h) => [h.epoch, h.test.loss]) },
    ], { format: (v) => String(Number(v.toPrecision(3))), integerX: true }) + sampledTrainingNote(history) : noHistory(summary),
    accuracy: history.length ? linePlot('Training and Testing Accuracy Over Time', 'Epoch', 'Accuracy', [
      { label: 'Training Accuracy', color: COLORS.train, points: history.map((h) => [h.epoch, h.train.accuracy]) },
      { label: 'Testing Accuracy', color: COLORS.test, points: history.map((h) => [h.epoch, h.test.accuracy]) },
    ], { format: (v) => v.toFixed(3), integerX: true }) + sampledTrainingNote(history) : noHistory(summary),
    confusion: confusionHeatmap('test set', cm),
    predictions: tiles(distinct(rng, 10, test.count).map((i) => ({
      index: i, split: test, mark: ev.predicted[i] === test.labels[i] ? 'right' : 'wrong',
      caption: `True: ${test.labels[i]} · Pred: ${ev.predicted[i]}`,
    }))),
    mistakes: confidentMistakes.length ? tiles(confidentMistakes.map((i) => ({
      index: i, split: test, mark: 'wrong',
      caption: `True: ${test.labels[i]} · Pred: ${ev.predicted[i]} (${ev.confidence[i].toFixed(3)})`,
    }))) : '<p class="note">No mistakes on the test set.</p>',
    'per-class': barChart('Per-Class Accuracy', 'Class', 'Accuracy (Recall)', classNames, report.perClass.map((c) => c.recall)),
    'loss-vs-accuracy': history.length ? linePlot('Loss vs Accuracy Relationship', 'Loss', 'Accuracy', [
      { label: 'Training', color: COLORS.train, points: history.map((h) => [h.train.loss, h.train.accuracy]) },
      { label: 'Testing', color: COLORS.test, points: history.map((h) => [h.test.loss, h.test.accuracy]) },
    ], { lines: false, format: (v) => v.toFixed(3) }) + sampledTrainingNote(history) : noHistory(summary),
    overfitting: history.length ? linePlot('Overfitting Indicator (Positive = Overfitting)', 'Epoch', 'Accuracy Gap (Train − Test)', [
      { label: 'Train − test accuracy', color: COLORS.line, points: history.map((h) => [h.epoch, h.train.accuracy - h.test.accuracy]) },
    ], { zeroLine: true, format: (v) => v.toFixed(3), integerX: true }) + sampledTrainingNote(history) : noHistory(summary),
    confidence: stackedHistogram('Distribution of Prediction Confidence', 'Prediction Confidence (Max Probability)', [
      { label: `Right (${right.length})`, color: COLORS.right, values: right.map((i) => ev.confidence[i]) },
      { label: `Wrong (${wrong.length})`, color: COLORS.wrong, values: wrong.map((i) => ev.confidence[i]) },
    ]),
    'classification-report': classificationTable(report, classNames),
    summary: summaryHtml(summary),
  };

  const title = `simdnet report: ${summary.run.network}${summary.run.recipe ? `, recipe ${summary.run.recipe}` : ''}`;
  const lead = `Test accuracy ${pct(report.accuracy)} on ${report.total} images of ${data.source}. Made by simdnet.`;
  return renderPage(title, lead, SECTIONS.map(([id, heading]) => ({ id, heading, body: body[id], wide: WIDE.includes(id) })));
}

function summaryHtml(s: Summary): string {
  const rows: [string, string][] = [];
  if (s.saved) {
    const m = s.saved.measured;
    rows.push(
      ['Measured now on', `${m.data} (${s.report.total} test images)`],
      ['Testing loss, now', m.loss.toFixed(4)],
      ['Testing accuracy, now', `${m.accuracy.toFixed(4)} (${pct(m.accuracy)})`],
    );
    if (s.saved.historyLeftOut) rows.push(['Training run', s.saved.historyLeftOut]);
    else if (s.final) rows.push(['Training run', `as recorded in the model, last evaluated after epoch ${s.final.epoch}:`]);
  }
  if (s.final) {
    rows.push(
      ['Training loss', `${s.final.train.loss.toFixed(4)}${s.finalSubset ? ` (${s.finalSubset})` : ''}`],
      ['Testing loss', s.final.test.loss.toFixed(4)],
      ['Training accuracy', `${s.final.train.accuracy.toFixed(4)} (${pct(s.final.train.accuracy)}${s.finalSubset ? `; ${s.finalSubset}` : ''})`],
      ['Testing accuracy', `${s.final.test.accuracy.toFixed(4)} (${pct(s.final.test.accuracy)})`],
      ...(s.lossReduction === undefined ? [] : [
        ['Loss reduction', `${pct(s.lossReduction)}${s.improvementFrom ? ` (${s.improvementFrom})` : ''}`],
        ['Accuracy improvement', `${pct(s.accuracyGain!)}${s.improvementFrom ? ` (${s.improvementFrom})` : ''}`],
      ] as [string, string][]),
      ['Overfitting analysis', s.verdict!],
    );
  }
  rows.push(
    ['Total predictions', String(s.report.total)],
    ['Correct predictions', String(s.report.correct)],
    ['Incorrect predictions', String(s.report.total - s.report.correct)],
    ...describeRun(s.run),
  );
  return `<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}
