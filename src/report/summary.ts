// The seed's performance summary: final metrics, improvement, the overfitting verdict with
// its thresholds, the classification report, the confusion summary, and how the run was made.
import { plural } from '../plural.js';
import { formatClassificationReport, type ClassificationReport } from '../metrics.js';
import type { HistoryEntry } from '../train.js';

/** How a run was made, as far as it is known. */
export interface RunInfo {
  recipe?: string;
  /** The network in words (layers/describe.ts). */
  network: string;
  loss: string;
  optimizer?: string;
  backend?: string;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seconds?: number;
  samplesPerSecond?: number;
  data?: string;
}

/** What eval and report measure on a saved model: the test set as it is now, and what became of the model's stored history. */
export interface SavedModelView {
  /** The test loss and accuracy just measured, and on what data. */
  measured: { loss: number; accuracy: number; data: string };
  /** Why the stored history is not shown (it was measured on other data); undefined when it is. */
  historyLeftOut?: string;
}

export interface Summary {
  /** For a saved model: what was measured now, and whether its training run's history is shown. */
  saved?: SavedModelView;
  /** The last evaluation of the history (undefined when the model carries none). */
  final?: HistoryEntry;
  /** (first train loss − last) / first, and last train accuracy − first; undefined after one evaluation, which has nothing to compare with. */
  lossReduction?: number;
  accuracyGain?: number;
  /** Where the first or the last evaluation scored a subset of the training split (trainSamples): what the improvement runs between. */
  improvementFrom?: string;
  /** Where the last evaluation scored a subset of the training split: how many samples its training figures are on. */
  finalSubset?: string;
  /** Final train − test accuracy, and the seed's reading of it. */
  gap?: number;
  verdict?: string;
  report: ClassificationReport;
  run: RunInfo;
}

/** The seed's thresholds: a gap over 0.05 is overfitting, under −0.02 good generalisation. */
export function overfittingVerdict(gap: number): string {
  if (gap > 0.05) return `Potential overfitting detected (gap: ${gap.toFixed(3)})`;
  if (gap < -0.02) return `Good generalization (gap: ${gap.toFixed(3)})`;
  return `Balanced performance (gap: ${gap.toFixed(3)})`;
}

export function summarize(history: readonly HistoryEntry[], report: ClassificationReport, run: RunInfo, saved?: SavedModelView): Summary {
  if (history.length === 0) return { saved, report, run };
  const first = history[0], final = history[history.length - 1];
  const gap = final.train.accuracy - final.test.accuracy;
  return {
    final,
    ...(history.length > 1 && {
      lossReduction: (first.train.loss - final.train.loss) / first.train.loss,
      accuracyGain: final.train.accuracy - first.train.accuracy,
      ...improvementEnds(first, final),
    }),
    ...(final.trainSamples === undefined ? {} : { finalSubset: `on a subset of ${samples(final.trainSamples)}` }),
    gap,
    verdict: overfittingVerdict(gap),
    saved,
    report,
    run,
  };
}

const samples = (n: number) => `${n.toLocaleString('en-US')} training sample${n === 1 ? '' : 's'}`;

/** The improvement's note where its first or last figures scored a subset of the training split. */
function improvementEnds(first: HistoryEntry, final: HistoryEntry): Pick<Summary, 'improvementFrom'> {
  const ends = [
    first.trainSamples === undefined ? '' : `from epoch ${first.epoch}'s figures on a subset of ${samples(first.trainSamples)}`,
    final.trainSamples === undefined || final === first ? '' : `to epoch ${final.epoch}'s on a subset of ${samples(final.trainSamples)}`,
  ].filter(Boolean);
  return ends.length ? { improvementFrom: ends.join(', ') } : {};
}

/** How the run was made, as [label, value] pairs: recipe, network, training, backend, time, data. */
export function describeRun(run: RunInfo): [string, string][] {
  const rows: [string, string][] = [];
  if (run.recipe) rows.push(['Recipe', run.recipe]);
  rows.push(['Network', `${run.network}, ${run.loss}${run.optimizer ? `, ${run.optimizer}` : ''}`]);
  if (run.epochs !== undefined) rows.push(['Training', `${plural(run.epochs, 'epoch')}, batch ${run.batchSize}, η ${run.learningRate}`]);
  if (run.backend) rows.push(['Backend', run.backend]);
  if (run.seconds !== undefined) rows.push(['Time', `${run.seconds.toFixed(1)} s, ${Math.round(run.samplesPerSecond ?? 0)} training samples/s`]);
  if (run.data) rows.push(['Data', run.data]);
  return rows;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** The summary as the seed prints it. */
export function formatSummary(s: Summary): string {
  const rule = '='.repeat(60);
  const out = [rule, 'NEURAL NETWORK PERFORMANCE SUMMARY', rule];
  if (s.saved) {
    const m = s.saved.measured;
    out.push('', `MEASURED NOW, ON ${s.report.total} TEST IMAGES OF ${m.data}:`,
      ` Testing Loss: ${m.loss.toFixed(4)}`,
      ` Testing Accuracy: ${m.accuracy.toFixed(4)} (${pct(m.accuracy)})`);
    if (s.saved.historyLeftOut) out.push('', 'TRAINING RUN:', ` ${s.saved.historyLeftOut}`);
  }
  if (s.final) {
    out.push('', s.saved ? `FINAL METRICS OF THE TRAINING RUN (recorded in the model, epoch ${s.final.epoch}):` : 'FINAL METRICS:',
      ` Training Loss: ${s.final.train.loss.toFixed(4)}${s.finalSubset ? ` (${s.finalSubset})` : ''}`,
      ` Testing Loss: ${s.final.test.loss.toFixed(4)}`,
      ` Training Accuracy: ${s.final.train.accuracy.toFixed(4)} (${pct(s.final.train.accuracy)}${s.finalSubset ? `; ${s.finalSubset}` : ''})`,
      ` Testing Accuracy: ${s.final.test.accuracy.toFixed(4)} (${pct(s.final.test.accuracy)})`,
      ...(s.lossReduction === undefined ? [] : [
        '', 'IMPROVEMENT:',
        ` Loss Reduction: ${pct(s.lossReduction)}`,
        ` Accuracy Improvement: ${pct(s.accuracyGain!)}`,
        ...(s.improvementFrom ? [` (both ${s.improvementFrom})`] : []),
      ]),
      '', 'OVERFITTING ANALYSIS:', ` ${s.verdict}`);
  }
  out.push('', 'CLASSIFICATION REPORT:', formatClassificationReport(s.report),
    '', 'CONFUSION MATRIX SUMMARY:',
    ` Total predictions: ${s.report.total}`,
    ` Correct predictions: ${s.report.correct}`,
    ` Incorrect predictions: ${s.report.total - s.report.correct}`,
    '', 'RUN:', ...describeRun(s.run).map(([k, v]) => ` ${k}: ${v}`), rule);
  return out.join('\n');
}
