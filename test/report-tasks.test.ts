// The report of a run on tabular data follows its task: models trained for real on tables
// shipped by @observablehq/sample-datasets — penguins (classification), diamonds (regression
// of price and carat) and a multi-label set derived from diamonds ([price > median,
// carat > 1]) — and the pages checked cell by cell against the report functions, parsed by a
// tag balance check here and by a real Chromium where one runs.
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, type CsvOptions } from '../src/data/csv.js';
import { head, type DataSplits, type FeatureDataset } from '../src/data/dataset.js';
import { holdOut } from '../src/data/split.js';
import { tableSplits } from '../src/data/table.js';
import { evaluate, type Evaluation } from '../src/evaluate.js';
import { fit } from '../src/fit.js';
import { classificationReport, confusionMatrix } from '../src/metrics.js';
import { RESIDUAL_BINS } from '../src/report/task-sections.js';
import { renderTaskReport, type TaskReportInput } from '../src/report/task-report.js';
import { MAX_SCATTER_POINTS, confusionHeatmap, formatTick, niceTicks, scatterPicks, thin } from '../src/report/svg.js';
import { multiLabelReport } from '../src/tasks/multi-label.js';
import { regressionReport } from '../src/tasks/regression.js';
import { taskOf } from '../src/tasks/task.js';
import { findChromium, launchChromium } from './browser.js';

const chromium = await findChromium();
const require = createRequire(import.meta.url);
const table = (file: string, options: Omit<CsvOptions, 'name'>) =>
  tableSplits(parseCsv(readFileSync(require.resolve(`@observablehq/sample-datasets/${file}`)), { name: file, ...options }), file);

/** Trains on `data` with fit() and renders the report of the test split. */
async function report(data: DataSplits<FeatureDataset>, options: Parameters<typeof fit>[1], title: string) {
  const { net, result, data: used } = await fit(data, options);
  const evaluation = evaluate(net, used.test);
  net.dispose();
  const input: TaskReportInput = {
    task: taskOf(used), data: used, evaluation, history: result.history,
    run: { title, settings: { Epochs: result.epochs, Optimizer: 'adam' }, seconds: result.seconds },
  };
  return { input, html: renderTaskReport(input), data: used, evaluation };
}

/** The target vectors of `d` turned into 0/1 labels: target j above thresholds[j]. */
function above(d: FeatureDataset, thresholds: number[]): FeatureDataset {
  const width = thresholds.length;
  return { ...d, targets: d.targets!.map((y, i) => (y > thresholds[i % width] ? 1 : 0)) };
}

const median = (values: Float32Array) => {
  const sorted = values.slice().sort();
  return sorted[sorted.length >> 1];
};

/** The HTML of the part of the page with this id: a section, or a chart in one (none nests in another of its kind). */
function section(html: string, id: string): string {
  const found = html.match(new RegExp(`<(section|div) id="${id}"`));
  expect(found, `part ${id}`).not.toBeNull();
  return html.slice(found!.index, html.indexOf(`</${found![1]}>`, found!.index));
}

const unescape = (s: string) => s.replace(/&(lt|gt|quot|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[e]!);

/** The rows of the first table in a section, each as the text of its cells. */
function rows(html: string, id: string): string[][] {
  const body = section(html, id).match(/<tbody>(.*?)<\/tbody>/s)![1];
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<t[hd]>(.*?)<\/t[hd]>/g)].map((c) => unescape(c[1])));
}

/** The row whose heading is `name`. */
const row = (table: string[][], name: string) => table.find((r) => r[0] === name) ?? expect.fail(`no row ${name} in ${JSON.stringify(table)}`);

/** A cell shows `value`: to the 3 decimals of a ratio, or to 4 significant digits. */
function shows(cell: string, value: number, ratio = false) {
  if (ratio) expect(cell).toBe(value.toFixed(3));
  else expect(Math.abs(Number(cell) - value)).toBeLessThanOrEqual(Math.abs(value) * 5e-4 + 1e-12);
}

/** Tags that are opened and never closed, or closed out of order; [] for a well-formed page. */
function unbalancedTags(html: string): string[] {
  const VOID = new Set(['meta', 'img', 'br', 'hr', 'input', 'link']);
  const open: string[] = [], problems: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing || VOID.has(name)) continue;
    if (!closing) open.push(name);
    else if (open.pop() !== name) problems.push(`</${name}> at ${m.index}`);
  }
  return [...problems, ...open.map((t) => `<${t}> never closed`)];
}

/** How many drawn marks of one kind a section holds. */
const count = (html: string, id: string, mark: RegExp) => section(html, id).match(mark)?.length ?? 0;

type Rendered = Awaited<ReturnType<typeof report>>;
let penguins: Rendered, diamonds: Rendered, labels: Rendered, medianPrice: number;
beforeAll(async () => {
  const species = holdOut(table('penguins.csv', { target: 'species', ignore: ['island', 'sex'], missing: 'mean' }), 'test', 0.2, 7);
  penguins = await report(species, { epochs: 30, validation: 0.1 }, 'Penguin species');

  // Diamonds: 20,000 training rows, and a test split large enough (13,485) that the scatter is thinned.
  const all = holdOut(table('diamonds.csv', { target: ['price', 'carat'], ignore: ['cut', 'color', 'clarity'] }), 'test', 0.25, 7);
  const subset = { ...all, train: head(all.train, 20_000) };
  diamonds = await report(subset, { epochs: 5, batchSize: 64 }, 'Diamond price and carat');

  medianPrice = median(all.train.targets!.filter((_, i) => i % 2 === 0));
  const thresholds = [medianPrice, 1];
  labels = await report({
    ...subset, train: above(subset.train, thresholds), test: above(subset.test, thresholds),
    task: 'multi-label', targetNames: [`price > ${medianPrice}`, 'carat > 1'],
  }, { epochs: 5, batchSize: 64 }, 'Diamonds: dear, big');
}, 120_000);

describe('the report of a classification (penguins)', () => {
  it('draws loss and accuracy curves for train, validation and test', () => {
    expect(penguins.data.validation!.count).toBeGreaterThan(0);
    for (const id of ['loss-curves', 'accuracy-curves']) {
      for (const split of ['Train', 'Validation', 'Test']) expect(section(penguins.html, id)).toContain(`>${split}</text>`);
      expect(count(penguins.html, id, /<polyline /g)).toBe(3);
      expect(count(penguins.html, id, /<circle /g)).toBe(3 * penguins.input.history.length);
    }
  });

  it('has the classification report with class names, equal to classificationReport\'s', () => {
    const ev = penguins.evaluation as Evaluation & { predicted: Int32Array };
    const expected = classificationReport(confusionMatrix(penguins.data.test.labels!, ev.predicted, 3));
    const t = rows(penguins.html, 'classification-report');
    ['Adelie', 'Chinstrap', 'Gentoo'].forEach((name, c) => {
      const s = expected.perClass[c];
      expect(row(t, name)).toEqual([name, s.precision.toFixed(3), s.recall.toFixed(3), s.f1.toFixed(3), String(s.support)]);
    });
    expect(row(t, 'accuracy')).toEqual(['accuracy', '', '', expected.accuracy.toFixed(3), String(penguins.data.test.count)]);
    expect(row(t, 'macro avg')[3]).toBe(expected.macro.f1.toFixed(3));
    expect(row(t, 'weighted avg')[3]).toBe(expected.weighted.f1.toFixed(3));
  });

  it('has the confusion matrix with class names, every count of it in its cell', () => {
    const ev = penguins.evaluation as Evaluation & { predicted: Int32Array };
    const cm = confusionMatrix(penguins.data.test.labels!, ev.predicted, 3), names = ['Adelie', 'Chinstrap', 'Gentoo'];
    const matrix = section(penguins.html, 'confusion');
    expect(matrix).toContain('Confusion Matrix (Test Set)');
    cm.forEach((r, a) => r.forEach((v, p) => expect(matrix).toContain(`<title>actual ${names[a]}, predicted ${names[p]}: ${v}</title>`)));
    for (const name of names) expect(matrix).toContain(`text-anchor="end">${name}</text>`);
  });

  it('axis ticks: large values compact enough to fit left of the plot, and whole epochs only on an epoch axis', () => {
    expect([20_000_000, 12_500, -35_000, 9_999, 0.000123456, 2.5].map(formatTick)).toEqual(['20M', '12.5K', '-35K', '9999', '0.0001235', '2.5']);
    // Epochs 1 to 11 with the plot's margin: 2.5, 5, 7.5, 10 before.
    expect(niceTicks(0.5, 11.5, 5, true)).toEqual([5, 10]);
    expect(niceTicks(0.5, 11.5, 5)).toEqual([2.5, 5, 7.5, 10]);
  });

  it('with 200 classes the matrix stays readable and small: counts as tooltips of the cells that are not 0, every third class named', () => {
    const k = 200, cm = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, p) => (p === a ? 40 + (a % 7) : p === (a + 1) % k ? 3 : 0)));
    const svg = confusionHeatmap('test set', cm, cm.map((_, i) => `class ${i}`));
    expect(svg.length).toBeLessThan(200_000);
    expect(svg.match(/<title>/g)).toHaveLength(2 * k);
    expect(svg).toContain('<title>actual class 5, predicted class 6: 3</title>');
    // No count written in a 2 px cell; class names on both axes, every ceil(12 / 2)-th.
    expect(svg).not.toMatch(/font-size="9"/);
    expect(svg.match(/text-anchor="end">class \d+<\/text>/g)!.length).toBe(2 * Math.ceil(k / 6));
  });

  it('says how the run was made', () => {
    const run = section(penguins.html, 'run');
    expect(run).toContain('<dt>Classes</dt><dd>Adelie, Chinstrap, Gentoo</dd>');
    expect(run).toContain('<dt>Features</dt><dd>4: culmen_length_mm, culmen_depth_mm, flipper_length_mm, body_mass_g</dd>');
    expect(run).toContain(`<dt>Samples</dt><dd>train ${penguins.data.train.count}, validation ${penguins.data.validation!.count}, test 69</dd>`);
    expect(run).toContain('<dt>Epochs</dt><dd>30</dd>');
    shows(row(rows(penguins.html, 'run'), 'accuracy')[1], penguins.evaluation.scores.accuracy);
  });
});

describe('the report of a regression (diamonds: price and carat)', () => {
  const names = ['price', 'carat'];

  it('has the errors per target with their names, equal to regressionReport\'s', () => {
    const { test } = diamonds.data;
    const expected = regressionReport(diamonds.evaluation.outputs, test.targets!, 2);
    const t = rows(diamonds.html, 'errors');
    [...expected.perTarget.map((e, j) => [names[j], e] as const), ['mean', expected.mean] as const].forEach(([name, e]) => {
      const [, mse, rmse, mae, r2] = row(t, name);
      shows(mse, e.mse);
      shows(rmse, e.rmse);
      shows(mae, e.mae);
      shows(r2, e.r2);
    });
    expect(expected.perTarget[0].r2).toBeGreaterThan(0.8);
  });

  it('draws predicted against actual per target: the y = x line and the test samples thinned to MAX_SCATTER_POINTS, the same on every render', () => {
    expect(diamonds.data.test.count).toBeGreaterThan(MAX_SCATTER_POINTS);
    names.forEach((name, j) => {
      const scatter = section(diamonds.html, `predicted-${j}`);
      expect(scatter).toContain(`<h2>Predicted against actual: ${name}</h2>`);
      expect(scatter).toContain('>y = x</text>');
      expect(scatter).toContain(`>${MAX_SCATTER_POINTS} of ${diamonds.data.test.count} samples</text>`);
      expect(scatter.match(/<line [^>]*stroke-dasharray/g)).toHaveLength(1);
      expect(count(diamonds.html, `predicted-${j}`, /<circle /g)).toBe(MAX_SCATTER_POINTS);
    });
    expect(renderTaskReport(diamonds.input)).toBe(diamonds.html);
  });

  it('draws a residual histogram per target whose bars sum to the test count', () => {
    names.forEach((name, j) => {
      const bars = [...section(diamonds.html, `residuals-${j}`).matchAll(/: (\d+)<\/title><\/rect>/g)].map((m) => Number(m[1]));
      expect(bars.length).toBeLessThanOrEqual(RESIDUAL_BINS);
      expect(bars.reduce((s, b) => s + b, 0)).toBe(diamonds.data.test.count);
      // The end bars also gather the outermost residuals, at most 1% of them.
      const beyond = section(diamonds.html, `residuals-${j}`).match(new RegExp(`>Residual \\(${name}\\); the end bars also count the (\\d+) beyond<`))!;
      expect(Number(beyond[1])).toBeLessThanOrEqual(0.01 * diamonds.data.test.count + 2);
    });
  });

  it('draws loss and every regression metric\'s curves for train and test (no validation split here)', () => {
    for (const metric of ['loss', 'r2', 'rmse', 'mae', 'mse']) {
      expect(count(diamonds.html, `${metric}-curves`, /<polyline /g)).toBe(2);
      expect(section(diamonds.html, `${metric}-curves`)).not.toContain('>Validation</text>');
    }
  });
});

describe('the report of a multi-label task (diamonds: price > median, carat > 1)', () => {
  it('has the per-label table with label names, subset accuracy and Hamming loss, equal to multiLabelReport\'s', () => {
    const expected = multiLabelReport(labels.evaluation.outputs, labels.data.test.targets!, 2);
    const t = rows(labels.html, 'per-label');
    [`price > ${medianPrice}`, 'carat > 1'].forEach((name, j) => {
      const s = expected.perLabel[j];
      expect(row(t, name)).toEqual([name, s.precision.toFixed(3), s.recall.toFixed(3), s.f1.toFixed(3), String(s.support)]);
    });
    expect(row(t, 'micro avg')[3]).toBe(expected.micro.f1.toFixed(3));
    expect(row(t, 'macro avg')[3]).toBe(expected.macro.f1.toFixed(3));
    expect(row(t, 'subset accuracy')[3]).toBe(expected.subsetAccuracy.toFixed(3));
    expect(row(t, 'Hamming loss')[3]).toBe(expected.hammingLoss.toFixed(3));
    expect(expected.subsetAccuracy).toBeGreaterThan(0.8);
    expect(labels.html).toContain(`price &gt; ${medianPrice}`);
  });

  it('draws curves of the loss, subset accuracy, macro F1 and Hamming loss', () => {
    for (const metric of ['loss', 'subsetAccuracy', 'macroF1', 'hammingLoss']) expect(count(labels.html, `${metric}-curves`, /<polyline /g)).toBe(2);
    expect(section(labels.html, 'subsetAccuracy-curves')).toContain('>Subset accuracy over training</text>');
  });
});

describe('every task report', () => {
  const pages = () => [penguins, diamonds, labels].map((r) => r.html);

  it('is self-contained: no scripts, no links, no external URL', () => {
    for (const html of pages()) {
      expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/<script|<link|src=|href=|url\(|https?:|\/\//i);
    }
  });

  it('is well formed: every tag closed, in order', () => {
    for (const html of pages()) expect(unbalancedTags(html)).toEqual([]);
  });

  it('says so where the run has no history', () => {
    const page = renderTaskReport({ ...diamonds.input, history: [] });
    expect(section(page, 'curves')).toContain('This run has no training history to draw');
    expect(page).not.toContain('<polyline');
  });

  it('names what does not fit: an evaluation of other data, targets the task lacks', () => {
    expect(() => renderTaskReport({ ...diamonds.input, evaluation: penguins.evaluation })).toThrow(
      `renderTaskReport: the evaluation holds ${penguins.evaluation.outputs.length} outputs but diamonds.csv's test split needs 13485 × 2`);
    expect(() => renderTaskReport({ ...penguins.input, task: taskOf({ train: diamonds.data.train, classes: 2 }) })).toThrow(
      "renderTaskReport: regression needs target vectors in penguins.csv's test split");
    expect(() => renderTaskReport({ ...labels.input, evaluation: diamonds.evaluation })).toThrow(
      'renderTaskReport: the evaluation has no subsetAccuracy, macroF1, hammingLoss score; evaluate it as a multi-label task');
  });

  it('thins the scatter deterministically, always keeping the predictions farthest from the truth', () => {
    const { test } = diamonds.data, { outputs } = diamonds.evaluation;
    const points = Array.from({ length: test.count }, (_, r): [number, number] => [test.targets![2 * r], outputs[2 * r]]);
    const picked = scatterPicks(points);
    expect(picked).toHaveLength(MAX_SCATTER_POINTS);
    expect(scatterPicks(points)).toEqual(picked);
    const off = ([y, p]: [number, number]) => Math.abs(p - y);
    const worst = points.reduce((a, b) => (off(b) > off(a) ? b : a));
    expect(picked).toContain(worst);
    const evenly = thin(Array.from({ length: 13_485 }, (_, i) => i), MAX_SCATTER_POINTS);
    expect([evenly.length, evenly[0], evenly[evenly.length - 1]]).toEqual([MAX_SCATTER_POINTS, 0, 13_484]);
  });

  it.skipIf(!chromium)(`opens in headless Chromium without console errors or requests, parsed into the elements written (${chromium?.description})`, async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'simdnet-task-report-'));
    const browser = await launchChromium(chromium!);
    try {
      for (const [i, html] of pages().entries()) {
        const file = path.join(dir, `report-${i}.html`);
        await writeFile(file, html);
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
        page.on('pageerror', (e) => problems.push(e.message));
        page.on('request', (r) => { if (!r.url().startsWith('file:')) problems.push(`request ${r.url()}`); });
        await page.goto(`file://${file}`);
        // A parser repairs broken markup silently: the same count of every element as written means nothing was repaired.
        const written: Record<string, number> = {};
        for (const m of html.matchAll(/<([a-z][a-z0-9]*)[\s>/]/g)) written[m[1]] = (written[m[1]] ?? 0) + 1;
        const parsed = await page.evaluate((tags) => Object.fromEntries(tags.map((t) => [t, document.getElementsByTagName(t).length])), Object.keys(written));
        expect(parsed).toEqual(written);
        for (const id of await page.locator('section').evaluateAll((els) => els.map((e) => e.id))) expect(await page.locator(`[id="${id}"]`).isVisible()).toBe(true);
        // On a phone the page is as wide as the screen: nothing makes it scroll sideways.
        await page.setViewportSize({ width: 390, height: 844 });
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        expect(problems).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});
