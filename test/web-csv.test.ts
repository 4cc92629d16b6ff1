// The training page on the user's own CSV files, in a real headless Chromium: penguins.csv
// dropped onto the page trains (fit() in the worker) past 90% test accuracy with train,
// validation and test curves, predicts a row typed into the form, and its downloaded model
// loads back predicting the same, with no request leaving the page; a slice of diamonds.csv
// trains as a regression and shows R²; parseCsv's errors (a ragged row, a missing target)
// appear in the page verbatim. Built into test-output/web-csv/ (web.test.ts builds dist-web/).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { decodeModel, networkFromModel } from '../src/model.js';
import { findChromium } from './browser.js';
import { servePage } from './page-helpers.js';

const chromium = await findChromium();
const sample = (file: string) => createRequire(import.meta.url).resolve(`@observablehq/sample-datasets/${file}`);
const outDir = path.resolve('test-output', 'web-csv');
const temp = mkdtempSync(path.join(tmpdir(), 'simdnet-web-csv-'));

const served = servePage(chromium, outDir);

/** The page, loaded and ready (on MNIST), with every error it logs and every request it makes kept. */
async function openPage(epochs: number) {
  const page = await served.browser().newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${served.base()}?epochs=${epochs}`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  return { page, problems, requests };
}

/** Drops a file holding `content` (text, or bytes) onto the page, as a file dragged from the desktop is. */
async function dropFile(page: Page, name: string, content: string | Uint8Array): Promise<void> {
  const base64 = Buffer.from(content).toString('base64');
  await page.evaluate(([name, base64]) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, [name, base64]);
}

const value = async (page: Page, selector: string) => Number(await page.getAttribute(selector, 'data-value'));

/** Types `row` into the one-row form (a number into its field, a text column's value chosen from its list) and waits for its prediction; returns what the page shows. */
async function predictRow(page: Page, row: (number | string)[]): Promise<{ prediction: string; bars: string }> {
  const fields = page.locator('#row-inputs input, #row-inputs select');
  expect(await fields.count()).toBe(row.length);
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v === 'string') await fields.nth(i).selectOption(v);
    else await fields.nth(i).fill(String(v));
  }
  await page.evaluate(() => document.getElementById('row-prediction')!.removeAttribute('data-value'));
  await page.click('#row-form button');
  await page.waitForSelector('#row-prediction[data-value]');
  return { prediction: (await page.getAttribute('#row-prediction', 'data-value'))!, bars: (await page.textContent('#row-bars'))! };
}

describe.skipIf(!chromium)(`the training page on a CSV file, in ${chromium?.description}`, () => {
  it('trains on a dropped penguins.csv past 90% test accuracy, predicts a typed row, and its saved model loads back predicting the same', async () => {
    const { page, problems, requests } = await openPage(40);
    const before = requests.length;
    await dropFile(page, 'penguins.csv', readFileSync(sample('penguins.csv'), 'utf8'));
    // The default target is the last column with no empty cells, not of a name per row: island, not sex.
    await page.waitForSelector('#csv-summary [data-task="classification"]');
    expect(await page.inputValue('#target')).toBe('island');
    // The text columns are features, one-hot, each a 0/1 feature per value.
    expect(await page.textContent('#csv-summary')).toContain('3 classes of island (Biscoe, Dream, Torgersen) from 9 features (one-hot: species, 3 values; sex, 2 values)');
    expect(await page.textContent('#columns label:has(input[data-column="sex"])')).toBe(' sex text, 2 values, one-hot, 11 missing');
    // sex has empty cells: parseCsv's error, verbatim.
    await page.selectOption('#target', 'sex');
    await page.waitForSelector('#csv-message:has-text("line")');
    expect(await page.textContent('#csv-message')).toMatch(/^penguins\.csv: line \d+, column "sex" \(7\): .*a target cannot be imputed/);

    await page.selectOption('#target', 'species');
    await page.waitForSelector('#csv-summary [data-task="classification"]');
    const summary = await page.textContent('#csv-summary');
    expect(summary).toContain('344 rows: 247 training, 28 validation, 69 test');
    expect(summary).toContain('3 classes of species (Adelie, Chinstrap, Gentoo) from 9 features (one-hot: island, 3 values; sex, 2 values)');
    expect(summary).not.toContain('ignored');
    expect(summary).toMatch(/\d+ missing values replaced by their column's mean/);
    expect(await page.textContent('#csv-message')).toBe('');
    expect(await page.textContent('#data-name')).toBe('penguins.csv');
    expect(await page.isVisible('#pad')).toBe(false);

    // A text target cannot be a regression: the error is shown and the page stays as it was.
    await page.selectOption('#task', 'regression');
    await page.waitForSelector('#csv-message:has-text("holds class labels")');
    expect(await page.textContent('#csv-message')).toBe('penguins.csv: the task "regression": species holds class labels, which only classification can learn');
    expect(await page.getAttribute('body', 'data-state')).toBe('ready');
    await page.selectOption('#task', '');
    await page.waitForSelector('#csv-summary [data-task="classification"]');

    await page.click('#start');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    expect(await page.textContent('#status')).toBe('done: 40 epochs');
    const accuracy = await value(page, '#test-scores [data-metric="accuracy"]');
    console.log(`penguins, species: test accuracy ${accuracy} after 40 epochs`);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    const legend = await page.textContent('#accuracy-chart svg');
    for (const split of ['Training', 'Validation', 'Test']) expect(legend).toContain(split);

    // A Gentoo and a Chinstrap of the file (lines 222 and 154), typed in: island, culmen length and depth, flipper length, body mass, sex.
    const gentooRow = ['Biscoe', 46.1, 13.2, 211, 4500, 'FEMALE'];
    const gentoo = await predictRow(page, gentooRow);
    expect(gentoo.prediction).toBe('Gentoo');
    expect(await page.locator('#row-bars .bar').count()).toBe(3);
    expect((await predictRow(page, ['Dream', 46.5, 17.9, 192, 3500, 'FEMALE'])).prediction).toBe('Chinstrap');
    // A text column's last choice is a missing value, none of its values, as the command line's NA.
    expect(['Adelie', 'Chinstrap', 'Gentoo']).toContain((await predictRow(page, ['Dream', 46.5, 17.9, 192, 3500, ''])).prediction);
    // The form with its lists of values fits a phone's width too (screenshots beside the page's build, in test-output/web-csv/).
    await page.screenshot({ path: path.join(outDir, 'penguins-1280x900.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(outDir, 'penguins-390x844.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe('penguins.simdnet');
    const file = path.join(temp, 'penguins.simdnet');
    await download.saveAs(file);
    // The file holds the task and names, and predicts in Node what the page showed.
    const model = decodeModel(readFileSync(file), file);
    // featureFill: the means the page imputed missing cells with (its default), kept so that the model fills rows it predicts alike:
    // those of the training rows, as the command line's (test/cli-table.test.ts), not the whole file's.
    // The one-hot blocks too, so that the model encodes the rows it reads alike.
    const { featureFill, ...named } = model.data!;
    expect(named).toEqual({ task: 'classification', classNames: ['Adelie', 'Chinstrap', 'Gentoo'],
      featureNames: ['island=Biscoe', 'island=Dream', 'island=Torgersen', 'culmen_length_mm', 'culmen_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex=FEMALE', 'sex=MALE'], targetNames: ['species'],
      featureCategories: [{ column: 'island', values: ['Biscoe', 'Dream', 'Torgersen'], first: 0 }, { column: 'sex', values: ['FEMALE', 'MALE'], first: 7 }] });
    expect(featureFill!.slice(3, 7)).toEqual([43.64175796508789, 17.11318588256836, 201.11355590820312, 4204.30419921875]);
    const net = await networkFromModel(model, { backend: 'js' });
    const probabilities = Array.from(net.predict([1, 0, 0, 46.1, 13.2, 211, 4500, 1, 0]).outputs, (p) => p.toFixed(3));
    net.dispose();
    expect(gentoo.bars).toBe(['Adelie', 'Chinstrap', 'Gentoo'].map((c, i) => `${c}${probabilities[i]}`).join(''));
    await page.click('#use-mnist');
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#data-name')).toBe('MNIST');
    // Dropped onto the page, a model file loads as Load model… loads it.
    await dropFile(page, 'penguins.simdnet', readFileSync(file));
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('model loaded (9-64-3, 40 epochs): predict a row'));
    // A loaded table model has no rows to train on: the status says what a CSV file does, and the choices of the file before it are gone.
    expect(await page.textContent('#status')).toBe('model loaded (9-64-3, 40 epochs): predict a row (a CSV file dropped here trains a new model)');
    expect(await page.isVisible('#csv-choices')).toBe(false);
    expect(await page.textContent('#data-name')).toBe('penguins.simdnet');
    expect(await page.isDisabled('#start')).toBe(true);
    // Each feature's field lies within its cell of the row form, and the cells within the form (at 1280 px wide).
    const outside = await page.$$eval('#row-inputs label', (labels) => labels.flatMap((label) => {
      const cell = label.getBoundingClientRect(), field = label.querySelector('input, select')!.getBoundingClientRect(), form = label.parentElement!.getBoundingClientRect();
      const within = (a: DOMRect, b: DOMRect) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5;
      return within(field, cell) && within(cell, form) ? [] : [`${label.textContent!.trim()}: field ${field.left}–${field.right}, cell ${cell.left}–${cell.right}, form ${form.left}–${form.right}`];
    }));
    expect(outside).toEqual([]);
    expect(await predictRow(page, gentooRow)).toEqual(gentoo);
    // It has no rows to make a new network from: no Reset; a switch of kernels makes it again from its file, predicting the same.
    expect(await page.isDisabled('#reset')).toBe(true);
    await page.selectOption('#kernel-choice', 'js');
    await page.waitForFunction(() => document.querySelector('#kernels')?.textContent === 'js' && document.body.dataset.state === 'ready');
    expect(await page.textContent('#status')).toBe('model loaded (9-64-3, 40 epochs): predict a row (a CSV file dropped here trains a new model)');
    expect(await predictRow(page, gentooRow)).toEqual(gentoo);

    expect(requests.slice(before).filter((u) => !u.startsWith('blob:'))).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('trains a regression on a 1,998-row slice of diamonds.csv and shows R², and a prediction in dollars', async () => {
    // The file is sorted by price: every 27th row spans its whole range.
    const [header, ...rows] = readFileSync(sample('diamonds.csv'), 'utf8').trim().split('\n');
    const slice = rows.filter((_, i) => i % 27 === 0);
    expect(slice.length).toBe(1998);
    const file = path.join(temp, 'diamonds-slice.csv');
    writeFileSync(file, [header, ...slice].join('\n'));
    const { page, problems } = await openPage(20);
    await page.setInputFiles('#csv-file', file);
    await page.waitForSelector('#csv-summary [data-task="regression"]');
    expect(await page.inputValue('#target')).toBe('z');
    await page.selectOption('#target', 'price');
    await page.waitForFunction(() => document.querySelector('#csv-summary')?.textContent?.includes('regression of price from 26 features (one-hot: cut, 5 values; color, 7 values; clarity, 8 values)'));
    expect(await page.textContent('#csv-summary')).not.toContain('ignored');
    expect(await page.textContent('#task option[value=""]')).toBe('inferred: regression');
    await page.check('#early-stop');
    // A patience that is not a whole number of epochs is refused beside its field, and nothing starts.
    for (const [patience, said] of [['0', '"0" is not'], ['1.5', '"1.5" is not'], ['-3', '"-3" is not'], ['', 'give a whole number']]) {
      await page.fill('#patience', patience);
      await page.click('#start');
      expect(await page.textContent('#patience-message'), patience).toContain(`Patience: ${said}`);
      expect(await page.getAttribute('body', 'data-state')).toBe('ready');
    }
    await page.fill('#patience', '5');
    expect(await page.textContent('#patience-message')).toBe('');

    await page.click('#start');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    const r2 = await value(page, '#test-scores [data-metric="r2"]');
    console.log(`diamonds slice, price: test R² ${r2}, after ${await page.textContent('#status')}`);
    expect(r2).toBeGreaterThan(0.8);
    expect(await value(page, '#test-scores [data-metric="rmse"]')).toBeGreaterThan(0);
    expect(await page.textContent('#accuracy-chart svg')).toContain('R²');

    // Two diamonds of the slice (carat, cut, color, clarity, depth, table, x, y, z), $646 and $17,168: the prediction is in dollars.
    const small = Number((await predictRow(page, [0.35, 'Ideal', 'H', 'VS1', 61.8, 57, 4.53, 4.56, 2.81])).prediction);
    const large = Number((await predictRow(page, [2.42, 'Premium', 'J', 'VS2', 61.3, 59, 8.61, 8.58, 5.27])).prediction);
    console.log(`predicted $${small.toFixed(0)} for a $646 diamond, $${large.toFixed(0)} for a $17,168 one`);
    expect(small).toBeLessThan(3000);
    expect(large).toBeGreaterThan(10_000);
    expect(await page.textContent('#row-prediction')).toMatch(/^price: [\d,.]+$/);

    // Saved and loaded back, the model shows the scores of the epoch whose weights it holds, the best one, as the page did.
    const kept = Number((await page.textContent('#status'))!.match(/weights of epoch (\d+)/)![1]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const saved = path.join(temp, 'diamonds-slice.simdnet');
    await download.saveAs(saved);
    expect(decodeModel(readFileSync(saved), saved).metadata.bestEpoch).toBe(kept);
    await page.setInputFiles('#load', saved);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('model loaded'));
    expect(await page.textContent('#status')).toMatch(new RegExp(`^model loaded \\(26-64-1, \\d+ epochs, the weights of epoch ${kept}\\)`));
    expect(await value(page, '#test-scores [data-metric="r2"]')).toBe(r2);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('infers binary from a column of 0s and 1s, and trains a column of class numbers as classification when asked', async () => {
    // kind is which third of [0, 1) x1 falls in; spam is x1 > x2.
    const rows = Array.from({ length: 300 }, (_, i) => [(i * 0.618034) % 1, (i * 0.414214) % 1]);
    const file = path.join(temp, 'synthetic.csv');
    writeFileSync(file, ['x1,x2,kind,spam', ...rows.map(([x1, x2]) => `${x1.toFixed(4)},${x2.toFixed(4)},${Math.floor(3 * x1)},${x1 > x2 ? 1 : 0}`)].join('\n'));
    const { page, problems } = await openPage(30);
    await page.setInputFiles('#csv-file', file);
    await page.waitForSelector('#csv-summary [data-task="binary"]');
    expect(await page.textContent('#csv-summary')).toContain('binary of spam from 3 features');
    await page.click('#start');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    expect(await value(page, '#test-scores [data-metric="accuracy"]')).toBeGreaterThanOrEqual(0.9);
    expect(await value(page, '#test-scores [data-metric="recall"]')).toBeGreaterThanOrEqual(0.8);
    expect((await predictRow(page, [0.9, 0.1, 2])).prediction).toBe('spam 1');
    expect((await predictRow(page, [0.1, 0.9, 0])).prediction).toBe('spam 0');

    await page.selectOption('#target', 'kind');
    await page.waitForSelector('#csv-summary [data-task="regression"]');
    await page.selectOption('#task', 'classification');
    await page.waitForSelector('#csv-summary [data-task="classification"]');
    expect(await page.textContent('#csv-summary')).toContain('3 classes of kind (0, 1, 2) from 3 features');
    expect(await page.textContent('#task option[value=""]')).toBe('inferred: regression');
    await page.click('#start');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    expect(await value(page, '#test-scores [data-metric="accuracy"]')).toBeGreaterThanOrEqual(0.9);
    expect((await predictRow(page, [0.95, 0.5, 1])).prediction).toBe('2');

    // A yes/no column of text, learnt as binary when asked: class 1 is its second value, and the prediction names it.
    const words = path.join(temp, 'words.csv');
    writeFileSync(words, ['x1,x2,spam', ...rows.map(([x1, x2]) => `${x1.toFixed(4)},${x2.toFixed(4)},${x1 > x2 ? 'yes' : 'no'}`)].join('\n'));
    await page.setInputFiles('#csv-file', words);
    await page.waitForSelector('#csv-summary:has-text("2 classes of spam (no, yes)")');
    await page.selectOption('#task', 'binary');
    await page.waitForSelector('#csv-summary [data-task="binary"]');
    await page.click('#start');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    expect(await value(page, '#test-scores [data-metric="accuracy"]')).toBeGreaterThanOrEqual(0.9);
    expect((await predictRow(page, [0.9, 0.1])).prediction).toBe('spam yes');
    expect((await predictRow(page, [0.1, 0.9])).prediction).toBe('spam no');
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('pauses a CSV run and continues it to the epochs asked, as on MNIST; Reset clears its results', async () => {
    // All of diamonds.csv (53,940 rows), so that an epoch lasts longer than the pause takes to
    // arrive. Its cut is the target, not its price: a resumed regression can stop as diverged,
    // as train()'s loss-rise watch measures from the resumed run's first (small) loss, MSE's
    // know-nothing loss for one output being 0.
    const { page, problems } = await openPage(20);
    await page.setInputFiles('#csv-file', sample('diamonds.csv'));
    await page.waitForSelector('#csv-summary [data-task="regression"]');
    await page.selectOption('#target', 'cut');
    await page.waitForSelector('#csv-summary [data-task="classification"]');
    await page.click('#start');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'training: epoch 2 of 20');
    await page.click('#pause');
    await page.waitForSelector('body[data-state="paused"]');
    expect(await page.textContent('#status')).toMatch(/^paused in epoch \d+ of 20/);
    await page.click('#start');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    expect(await page.textContent('#status')).toBe('done: 20 epochs');
    const epochs = await page.$$eval('#accuracy-chart svg circle', (dots) => dots.length);
    expect(epochs).toBe(3 * 20);
    await page.click('#reset');
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.locator('#loss-chart svg, #accuracy-chart svg').count()).toBe(0);
    expect(await page.textContent('#test-scores')).toBe('accuracy –');
    expect(await page.textContent('#row-prediction')).toBe('–');
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows why a file cannot be read (a ragged row, too few rows or columns, not text) and keeps the file before it; a failed Start offers Start again', async () => {
    const { page, problems } = await openPage(1);
    await dropFile(page, 'ragged.csv', 'a,b,label\n1,2,x\n3,4\n5,6,y\n');
    await page.waitForSelector('#csv-message:has-text("line")');
    expect(await page.textContent('#csv-message')).toBe('ragged.csv: line 3 has 2 cells; the header has 3');
    expect(await page.getAttribute('body', 'data-state')).toBe('ready');
    expect(await page.textContent('#data-name')).toBe('MNIST');
    expect(await page.isVisible('#pad')).toBe(true);
    await dropFile(page, 'two-rows.csv', 'a,b\n1,2\n3,4\n');
    await page.waitForSelector('#csv-message:has-text("two-rows.csv")');
    expect(await page.textContent('#csv-message')).toBe('two-rows.csv: 2 rows are too few to train on: the page holds out 20% of the rows as test and 10% of the rest as validation, so it needs at least 6');

    // A column of numbers written as text ($3) is no one-hot feature: left unticked, as names are; a column of two words is ticked.
    await dropFile(page, 'money.csv', ['price,town,label', ...Array.from({ length: 12 }, (_, i) => `"$${i}",${['Oslo', 'Rome'][i % 2]},${'ab'[(i >> 1) % 2]}`)].join('\n'));
    await page.waitForSelector('#csv-summary:has-text("from 2 features (one-hot: town, 2 values)")');
    expect(await page.isChecked('#columns input[data-column="price"]')).toBe(false);
    expect(await page.textContent('#columns label:has(input[data-column="price"])')).toBe(' price text');

    // A file that trains, with a constant column and a column name far wider than a phone.
    const long = `x_${'very_long_column_name_'.repeat(12)}`;
    await dropFile(page, 'good.csv', [`${long},same,label`, ...Array.from({ length: 12 }, (_, i) => `${i},1,${'ab'[i % 2]}`)].join('\n'));
    await page.waitForSelector('#csv-summary [data-task="classification"]');
    expect(await page.textContent('#csv-summary')).toContain('2 classes of label (a, b) from 2 features');
    await page.uncheck('#columns input[data-column="same"]');
    await page.waitForFunction(() => document.querySelector('#csv-summary')?.textContent?.includes('from 1 feature'));
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });

    // Files the page can offer no choices for: the error alone, and good.csv's choices stay, for good.csv.
    await dropFile(page, 'one-column.csv', 'a\n1\n2\n');
    await page.waitForSelector('#csv-message:has-text("one-column.csv")');
    expect(await page.textContent('#csv-message')).toBe('one-column.csv: a CSV file for training needs a header row naming at least two columns (features and a target); this one names 1');
    await dropFile(page, 'binary.csv', new Uint8Array([0x53, 0x49, 0x4d, 0, 1, 2, 0x2c, 0, 0x0a, 0, 9, 0x2c, 4]));
    await page.waitForSelector('#csv-message:has-text("binary.csv")');
    expect(await page.textContent('#csv-message')).toBe('binary.csv: its first line holds NUL bytes: UTF-16 or UTF-32 text without a byte order mark (save it as UTF-8), or not text at all');
    expect(await page.textContent('#csv-name')).toBe('good.csv');
    expect(await page.$$eval('#target option', (options) => options.map((o) => o.textContent))).toEqual([long, 'same', 'label']);

    // A constant target fails at Start before anything trains: the page offers Start again, not Continue.
    await page.selectOption('#target', 'same');
    await page.waitForSelector('#csv-summary [data-task="binary"]');
    await page.click('#start');
    await page.waitForFunction(() => document.getElementById('message')?.textContent?.includes('nothing to learn'));
    expect(await page.getAttribute('body', 'data-state')).toBe('ready');
    expect(await page.textContent('#start')).toBe('Start');
    expect(await page.textContent('#status')).toBe('ready: 9 training, 1 validation and 2 test rows');

    // 2,000 columns of noise for 50 rows: the column list scrolls within its box, and the run trains its epochs. Its first
    // epoch's loss spikes to 50 times its start and falls back (as fit() in Node: 54.6, 16.0, 9.4, 13.3, 5.3), which the
    // mean of an epoch of one batch had stopped as a divergence.
    let seed = 1;
    const noise = () => ((seed = (seed * 48271) % 2147483647) / 2147483647).toFixed(4);
    const header = Array.from({ length: 2000 }, (_, i) => `c${i}`).join(',');
    await dropFile(page, 'wide.csv', [header, ...Array.from({ length: 50 }, () => Array.from({ length: 2000 }, noise).join(','))].join('\n'));
    await page.waitForSelector('#csv-summary:has-text("50 rows: 36 training, 4 validation, 10 test (seeded shuffle)regression of c1999 from 1,999 features")');
    expect((await page.locator('#columns').boundingBox())!.height).toBeLessThan(500);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(3000);
    await page.fill('#epochs', '5');
    await page.click('#start');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    expect(await page.textContent('#status')).toMatch(/^done: 5 epochs/);
    expect(await page.textContent('#message')).not.toContain('diverged');
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it('refuses a CSV file while MNIST loads, saying so; when MNIST cannot be loaded, says what failed and still trains a CSV file', async () => {
    const page = await served.browser().newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/data/train-images*', async (route) => {
      await held;
      await route.continue();
    });
    await page.route('**/data/t10k-labels*', (route) => route.fulfill({ status: 200, body: Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5]) }));
    await page.goto(`${served.base()}?epochs=2`);
    expect(await page.isDisabled('#csv-file')).toBe(true);
    await dropFile(page, 'early.csv', 'x,y\n1,2\n');
    expect(await page.textContent('#csv-message')).toBe('early.csv: the page is still loading; choose the file again once it is ready');
    release();
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    expect(await page.textContent('#message')).toBe('MNIST could not be loaded: t10k-labels-idx1-ubyte.gz could not be decompressed: it is not a whole gzip file. Your own data still trains: drop a CSV file onto the page.');
    expect(await page.textContent('#status')).toBe('no MNIST to train on (see below): drop a CSV file onto the page to train on your own data');
    expect(await page.isDisabled('#start')).toBe(true);
    expect(await page.isDisabled('#csv-file')).toBe(false);
    await dropFile(page, 'rows.csv', ['x,y', ...Array.from({ length: 20 }, (_, i) => `${i},${i % 2}`)].join('\n'));
    await page.waitForSelector('#csv-summary [data-task="binary"]');
    await page.click('#start');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    await page.click('#use-mnist');
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.isDisabled('#start')).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);
});
