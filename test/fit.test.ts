// fit() and the data sources on toy problems that must be learned exactly, and on real
// tabular data sets shipped by @observablehq/sample-datasets against classical baselines
// (logistic regression: the same engine with no hidden layer; least squares: the normal
// equations in float64).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseCsv, type CsvOptions } from '../src/data/csv.js';
import { fromArrays, fromExamples } from '../src/data/examples.js';
import { holdOut } from '../src/data/split.js';
import { parseSchedule } from '../src/schedule.js';
import { tableSplits } from '../src/data/table.js';
import { evaluate } from '../src/evaluate.js';
import { fit } from '../src/fit.js';
import { Network } from '../src/network.js';
import { fitNormalization } from '../src/normalization.js';
import { Rng } from '../src/rng.js';
import { train, type BestSoFar, type HistoryEntry } from '../src/train.js';
import { leastSquaresR2 } from '../bench/baselines.js';
import { decodeModel, describeData, encodeModel, networkFromModel } from '../src/model.js';

const require = createRequire(import.meta.url);
const sample = (file: string) => require.resolve(`@observablehq/sample-datasets/${file}`);
const table = (file: string, options: Omit<CsvOptions, 'name'>, testFraction = 0.2) =>
  holdOut(tableSplits(parseCsv(readFileSync(sample(file)), { name: file, ...options }), file), 'test', testFraction, 7);

describe('fit() on problems with a known answer', () => {
  it('learns XOR from brain.js-style examples (binary inferred from one 0/1 target: sigmoid + binary cross-entropy)', async () => {
    const data = fromExamples([{ input: [0, 0], output: [0] }, { input: [0, 1], output: [1] }, { input: [1, 0], output: [1] }, { input: [1, 1], output: [0] }]);
    const { net, result, data: fitted } = await fit(data, { hidden: [{ kind: 'dense', units: 8 }, { kind: 'tanh' }], epochs: 300, learningRate: 0.05, backend: 'js' });
    expect(net.config.loss).toBe('binary-cross-entropy');
    expect([fitted.task, result.final.test.accuracy, result.final.test.f1]).toEqual(['binary', 1, 1]);
    const { outputs } = net.predict([0, 0, 0, 1, 1, 0, 1, 1]);
    expect(Array.from(outputs, (p) => Math.round(p))).toEqual([0, 1, 1, 0]);
    net.dispose();
  });

  it('learns y = 3x as a regression and predicts 9 for x = 3 in the targets\' units', async () => {
    const xs = Array.from({ length: 64 }, (_, i) => [i / 16 - 2]);
    const data = fromArrays(xs, { targets: xs.map(([x]) => 3 * x) });
    const { net, result } = await fit(data, { hidden: [], epochs: 200, learningRate: 0.05 });
    expect(net.config.layers!.map((l) => l.kind)).toEqual(['dense', 'identity']);
    expect(result.final.test.r2).toBeGreaterThan(0.9999);
    expect(net.predict([3]).outputs[0]).toBeCloseTo(9, 2);
    net.dispose();
  });

  it('takes string class labels and keeps their names', () => {
    const data = fromArrays([[1], [2], [3]], { labels: ['b', 'a', 'b'] });
    expect(data.classNames).toEqual(['a', 'b']);
    expect(Array.from(data.train.labels!)).toEqual([1, 0, 1]);
  });

  it('takes more than 256 classes (labels are 32-bit): 300 classes, each learned from its own one-hot input', async () => {
    const inputs = Array.from({ length: 600 }, (_, i) => Array.from({ length: 300 }, (_, j) => (j === i % 300 ? 1 : 0)));
    const data = fromArrays(inputs, { labels: inputs.map((_, i) => i % 300) });
    expect(data.classes).toBe(300);
    const { net, result } = await fit(data, { hidden: [], epochs: 40, learningRate: 0.05, normalize: 'none' });
    expect(net.sizes.at(-1)).toBe(300);
    expect(result.final.test.accuracy).toBe(1);
    expect(net.predict(inputs[299]).classes[0]).toBe(299);
    net.dispose();
  });

  it('a network too large for WebAssembly\'s memory is a clear error, not the engine\'s RangeError', async () => {
    await expect(fit({ ...fromArrays([[0], [1]], { labels: [0, 1] }), classes: 10_000_001 }, { epochs: 1 })).rejects.toThrow(
      /^the network needs \d+\.\d GiB of memory, and a WebAssembly memory holds at most 4 GiB: use fewer or smaller layers, or a smaller maxBatch$/);
  });

  it('rejects with the signal\'s reason when aborted while it makes the network (the page\'s Pause just after Start)', async () => {
    const controller = new AbortController();
    const run = fit(fromArrays([[0], [1], [2], [3]], { labels: [0, 1, 0, 1] }), { epochs: 2, signal: controller.signal });
    controller.abort();
    await expect(run).rejects.toBe(controller.signal.reason);
  });

  it('refuses to carve a validation split from data that has one, which would be used for nothing', async () => {
    const data = holdOut(fromArrays(Array.from({ length: 40 }, (_, i) => [i % 7, i % 3]), { labels: Array.from({ length: 40 }, (_, i) => i % 2) }), 'validation', 0.2, 2);
    await expect(fit(data, { validation: 0.3, epochs: 1 })).rejects.toThrow(
      'fit: validation 0.3 would carve a new validation split from the training rows, but the data has one (8 rows), which would then be used for nothing: leave validation out to use it, or give data without one');
    const { net, result, data: used } = await fit(data, { epochs: 2, earlyStopping: { patience: 5 } });
    expect(result.final.validation).toBeDefined();
    // Labels are optional in FeatureDataset's type: evaluate()'s accuracy must still type-check (npm test's tsc), and be there.
    const accuracy: number | undefined = evaluate(net, used.test).accuracy;
    expect(accuracy).toBe(result.final.test.accuracy);
    net.dispose();
  });

  it('reads a column of numbers as classes under task classification, as --task classification does, over every split', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i % 4, (i * 7) % 5]), y = rows.map(([a]) => [1, 2, 4, 2][a]);
    const data = holdOut(fromArrays(rows, { targets: y }), 'test', 0.25, 3);
    const { net, data: used } = await fit(data, { task: 'classification', epochs: 1, backend: 'js' });
    expect([used.classes, used.classNames, net.sizes.at(-1)]).toEqual([3, ['1', '2', '4'], 3]);
    expect([...used.train.labels!.subarray(0, 4)]).toEqual(Array.from(used.train.features.subarray(0, 8).filter((_, i) => i % 2 === 0), (a) => [0, 1, 2, 1][a]));
    expect(used.test.labels!.length).toBe(10);
    net.dispose();
  });

  it('refuses a task that does not fit the targets, instead of training a one-output softmax', async () => {
    const many = Array.from({ length: 200 }, (_, i) => i % 150);
    const vectors = fromArrays(many.map((v) => [v]), { targets: many });
    await expect(fit(vectors, { task: 'classification' })).rejects.toThrow('fit: task classification: the target holds 150 distinct numbers in 200 rows; that many classes, each with so few rows, looks like a regression target');
    await expect(fit(fromArrays([[0], [1]], { targets: [[0, 1], [1, 0]] }), { task: 'classification' })).rejects.toThrow('fit: task classification takes one target column; got 2 targets a row');
    // Codes past 2²⁴, which float32 merges (900000001 and 900000002 are one float), are refused, not made fewer classes.
    const codes = [900000001, 900000002, 900000100, 900000101];
    const coded = fromArrays(Array.from({ length: 40 }, (_, i) => [i % 4]), { targets: Array.from({ length: 40 }, (_, i) => codes[i % 4]) });
    await expect(fit(coded, { task: 'classification' })).rejects.toThrow('fit: task classification: the target holds a class code past 16,777,216 (900000000), where float32 cannot hold every whole number apart (900000001 and 900000002 read alike): number the classes from 0, or write them as words (c900000001)');
    const unanswered = { train: { images: new Uint8Array(16), rows: 2, cols: 2, count: 4 }, classes: 10, source: 'img' };
    await expect(fit({ ...unanswered, test: unanswered.train }, { task: 'classification' })).rejects.toThrow('img (training split): the data set must have exactly one of labels (class indices) and targets (vectors)');
    await expect(fit(fromArrays([[0], [1]], { labels: [0, 1] }), { task: 'regression' })).rejects.toThrow('fit: task regression: the target holds class labels, which only classification can learn');
    await expect(fit(fromArrays([[0], [1]], { targets: [[1, 0], [0, 0.5]] }), { task: 'multi-label' })).rejects.toThrow('fit: task multi-label needs 0/1 targets; target 2 holds 0.5 in data row 2');
  });

  it('names what is wrong with hand-made splits before fitting a normalisation to them, and a misspelt loss', async () => {
    const features = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]), labels = new Uint8Array([0, 1, 1, 0]);
    // count given as the features' length, a common slip: the normalisation would read past the array.
    const miscounted = { features, width: 2, count: features.length, labels };
    await expect(fit({ train: miscounted, test: miscounted, classes: 2, source: 'mine' }, { epochs: 1 }))
      .rejects.toThrow('mine (training split): 8 rows of 2 features need 16 values but the features hold 8 (row 4 is the first cut short)');
    const counted = { features, width: 2, count: 4, labels };
    await expect(fit({ train: counted, test: counted, source: 'mine' } as never, { epochs: 1 }))
      .rejects.toThrow("mine (training split): the data's classes is undefined; it must be an integer ≥ 1 (the classes, or the width of a target vector)");
    await expect(fit({ train: counted, test: counted, classes: 2 } as never, { epochs: 1, loss: 'crossentropy' as never }))
      .rejects.toThrow('fit: loss must be one of mse, cross-entropy, binary-cross-entropy, mae, huber; got "crossentropy"');
  });

  it('refuses convolutions and pooling on rows of features, saying what to give instead (images take them)', async () => {
    const rows = fromArrays([[0, 1, 2, 3], [3, 2, 1, 0]], { labels: [0, 1] });
    await expect(fit(rows, { hidden: [{ kind: 'dense', units: 4 }, { kind: 'maxpool', size: 2 }] })).rejects.toThrow(
      'fit: hidden[1] is maxpool, which takes images, but the data\'s rows are 4 features: give dense layers and activations');
  });

  it('fromArrays takes typed arrays of labels and targets, and names what else it was given', () => {
    const typed = fromArrays([[1], [2]], { labels: Uint8Array.of(0, 1) });
    expect([...typed.train.labels!]).toEqual([0, 1]);
    expect([...fromArrays([[1], [2]], { targets: Float32Array.of(0.5, 2) }).train.targets!]).toEqual([0.5, 2]);
    expect(() => fromArrays([[1], [2]], { targets: undefined as never })).toThrow('targets must be a list of one target per input row: numbers, or rows of numbers; got undefined');
    expect(() => fromArrays([[1], [2]], { targets: 'abc' as never })).toThrow('targets must be a list of one target per input row: numbers, or rows of numbers; got "abc"');
    expect(() => fromArrays([[1], [2]], { labels: 7 as never })).toThrow('labels must be a list (an array, or a typed array of class indices) of one label per input row; got 7');
    expect(() => fromArrays([[1], [2]], { labels: Uint8Array.of(0) })).toThrow('labels must list one label per input row (2); got 1');
  });

  it("fit's options of the wrong kind are named before any training: a hidden layer that is none, a callback that is not a function, a schedule's unknown kind, a learningRate beside a schedule", async () => {
    const data = fromArrays([[1], [2], [3], [4]], { labels: [0, 1, 0, 1] });
    await expect(fit(data, { hidden: [null as never] })).rejects.toThrow("fit: hidden[0] must be a layer, like { kind: 'dense', units: 64 } or { kind: 'relu' }; got null");
    await expect(fit(data, { onBatchEnd: 'x' as never, backend: 'js' })).rejects.toThrow('train: onBatchEnd must be a function, got "x"');
    await expect(fit(data, { onEpochEnd: 5 as never, backend: 'js' })).rejects.toThrow('train: onEpochEnd must be a function, got 5');
    await expect(fit(data, { schedule: { kind: 'nope' } as never, backend: 'js' })).rejects.toThrow('schedule: unknown kind "nope"; the kinds are constant, step, exponential, cosine');
    await expect(fit(data, { schedule: { kind: ['step'], eta: 0.1, every: 1, gamma: 0.5 } as never, backend: 'js' })).rejects.toThrow('schedule: unknown kind ["step"]; the kinds are');
    await expect(fit(data, { schedule: parseSchedule('constant', 0.01), learningRate: 0.5 })).rejects.toThrow('fit: give learningRate or schedule, not both: the schedule sets η from its own start');
  });

  it('fitNormalization checks its arguments, and refuses a spread too small for float32', async () => {
    expect(() => fitNormalization('standard', new Float32Array(6), 4, 2)).toThrow('normalization: features must be a Float32Array of at least count × width = 8 values, got 6');
    expect(() => fitNormalization('standard', Float32Array.of(1, NaN), 2, 1)).toThrow('normalization: values[1] (row 2, column 1) is NaN; every value must be a finite number');
    expect(() => fitNormalization('min-max', Float32Array.of(1, 2), 0, 1)).toThrow('normalization: count must be a positive integer (the rows to fit it on), got 0');
    expect(() => fitNormalization('standard', Float32Array.of(1e-40, 3e-40), 2, 1)).toThrow("normalization: column 1's values spread over 1.00e-40 (their σ), too little for float32 to hold 1/1.00e-40: scale the column up");
    // A regressor's targets of 1e-40 are refused so, where they trained a model whose R² was -4e79.
    const tiny = fromArrays([[1, 0], [3, 1], [2, 2], [1, 3]], { targets: [1e-40, 3e-40, 2e-40, 1e-40] });
    await expect(fit(tiny, { epochs: 1, backend: 'js' })).rejects.toThrow('too little for float32');
    // From a file, the column is named: here the second feature, the file's third column after one ignored.
    const csv = (header: string, cells: (r: number) => string) => new TextEncoder().encode([header, ...Array.from({ length: 8 }, (_, r) => cells(r))].join('\n'));
    const named = (bytes: Uint8Array, target: string) => tableSplits(parseCsv(bytes, { name: 'tiny.csv', target, ignore: ['id'] }), 'tiny.csv');
    await expect(fit(named(csv('id,b,a,y', (r) => `${r},${r % 3},${(r % 2) * 1e-41},${r}`), 'y'), { epochs: 1, backend: 'js' })).rejects.toThrow(`normalization: feature "a"'s values spread over`);
    await expect(fit(named(csv('id,b,y', (r) => `${r},${r % 3},${(r % 2) * 1e-41}`), 'y'), { epochs: 1, backend: 'js', task: 'regression' })).rejects.toThrow(`normalization: target "y"'s values spread over`);
  });

  it("a text target of names (olympians' name: 11,517 values in 11,538 rows) is refused as no classes to learn, as a column of numbers is", () => {
    const options = { target: 'name', ignore: ['id', 'nationality', 'sex', 'date_of_birth', 'sport', 'info'], missing: 'mean' } as const;
    expect(() => table('olympians.csv', options)).toThrow(/^olympians\.csv: target name holds 115\d\d distinct values in 11538 rows: too many to be classes/);
    // Its sport, 42 classes, is a target.
    expect(table('olympians.csv', { ...options, target: 'sport', ignore: ['id', 'name', 'nationality', 'sex', 'date_of_birth', 'info'] }).classes).toBeGreaterThan(20);
  });

  it('holdOut refuses to hold out a split the data has: its rows would be dropped', () => {
    const five = fromArrays([[1], [2], [3], [4], [5]], { targets: [1, 2, 3, 4, 5] });
    // Splits made by hand with no test split yet, and a copy of the training split over the same rows, are data that came as one set.
    expect(holdOut({ train: five.train, classes: 1, source: 'mine' } as never, 'test', 0.4).test.count).toBe(2);
    expect(holdOut({ ...five, train: { ...five.train } }, 'test', 0.4).test.count).toBe(2);
    const tested = holdOut(five, 'test', 0.4);
    expect([tested.train.count, tested.test.count]).toEqual([3, 2]);
    expect(() => holdOut(tested, 'test', 0.4)).toThrow('holdOut: the splits already have a test split of 2 samples apart from the training split; holding out another would drop it (data that came as one set');
    // A validation split carved first leaves the test split all the rows, which a real test split of as many rows cannot be told from: refused, saying in which order to carve them.
    expect(() => holdOut(holdOut(five, 'validation', 0.2), 'test', 0.25)).toThrow('holdOut: the splits already have a test split of 5 samples apart from the training split; holding out another would drop it; if it is all the rows, of data that came as one set, hold out the test split before the validation split');
    const validated = holdOut(tested, 'validation', 0.4);
    expect([validated.train.count, validated.validation!.count, validated.test.count]).toEqual([2, 1, 2]);
    expect(() => holdOut(validated, 'validation', 0.4)).toThrow('holdOut: the splits already have a validation split of 1 sample apart from the training split; holding out another would drop it');
  });

  it('names the row that is ragged or not a number', () => {
    expect(() => fromArrays([[1, 2], [3]], { targets: [1, 2] })).toThrow('inputs[1] has 1 values; inputs[0] has 2');
    expect(() => fromArrays([[1, NaN]], { targets: [1] })).toThrow('inputs[0][1] is NaN; every value must be a finite number');
    expect(() => fromArrays([[1, Infinity]], { targets: [1] })).toThrow('inputs[0][1] is Infinity; every value must be a finite number');
    expect(() => fromArrays([[1]], {} as { targets: number[] })).toThrow('fromArrays: give the answers as { labels } (a class per row) or { targets } (a vector or number per row)');
    expect(() => holdOut(fromArrays([[1], [2]], { targets: [1, 2] }), 'tset' as 'test', 0.5)).toThrow(`holdOut: the split is 'validation' or 'test', got "tset"`);
    expect(() => fromArrays([[1], [2]], { targets: [1] })).toThrow('targets must list one target per input row (2); got 1');
    // @ts-expect-error: labels or targets, not both, in the types as at run time
    expect(() => fromArrays([[1]], { labels: [0], targets: [1] })).toThrow('fromArrays: give the answers as { labels } or as { targets }, not both');
    expect(() => fromArrays([[1]], { labels: [1.5] })).toThrow('labels[0] is 1.5; labels are class indices 0, 1, 2, … or all strings');
    expect(() => fromArrays([[1], [2]], { labels: [0, 1], targets: [5, 6] } as unknown as { labels: number[] })).toThrow('fromArrays: give the answers as { labels } or as { targets }, not both');
  });

  it('refuses labels that would make millions of outputs for a few classes, and keeps numbered classes that are merely sparse', () => {
    expect(() => fromArrays([[1], [2]], { labels: [0, 3_000_000] })).toThrow(
      'fromArrays: labels go up to 3000000 but only 2 distinct classes occur; labels are class indices 0, 1, 2, … (a network gets one output per index): number the classes from 0, or give them as strings');
    expect(() => fromArrays([[1], [2]], { labels: [0, 1e9] })).toThrow('labels go up to 1000000000 but only 2 distinct classes occur');
    // 100 outputs for 5 of CIFAR-100's classes, or 1,001 outputs for 101 classes: kept, as asked.
    expect(fromArrays([[1], [2], [3], [4], [5]], { labels: [0, 20, 40, 60, 99] }).classes).toBe(100);
    expect(fromArrays(Array.from({ length: 101 }, (_, i) => [i]), { labels: Array.from({ length: 101 }, (_, i) => i * 10) }).classes).toBe(1001);
    // Strings are numbered by their sorted order, however many rows repeat them.
    const named = fromArrays(Array.from({ length: 3000 }, (_, i) => [i]), { labels: Array.from({ length: 3000 }, (_, i) => `class ${i % 3}`) });
    expect([named.classes, named.train.labels![4]]).toEqual([3, 1]);
  });
});

describe('fit() on real tabular data, against classical baselines on the same split', () => {
  it('penguins species (344 rows, 3 classes): accuracy at least logistic regression\'s', async () => {
    const data = table('penguins.csv', { target: 'species', ignore: ['island', 'sex'], missing: 'mean' });
    expect([data.train.count, data.test.count]).toEqual([275, 69]);
    const mlp = await fit(data, { epochs: 60 });
    const logistic = await fit(data, { hidden: [], epochs: 60 });
    const [ours, baseline] = [mlp.result.final.test.accuracy, logistic.result.final.test.accuracy];
    expect(baseline).toBeGreaterThan(0.9);
    expect(ours).toBeGreaterThanOrEqual(baseline);
    mlp.net.dispose();
    logistic.net.dispose();
  });

  it('diamonds price (53,940 rows): R² at least the least-squares fit\'s', async () => {
    const data = table('diamonds.csv', { target: 'price', ignore: ['cut', 'color', 'clarity'] });
    const baseline = leastSquaresR2(data);
    const { net, result } = await fit(data, { epochs: 8, batchSize: 64 });
    expect(baseline).toBeGreaterThan(0.85);
    expect(result.final.test.r2).toBeGreaterThan(baseline);
    net.dispose();
  });
});

describe('normalisation, validation and early stopping', () => {
  it('fits the normalisation on the training split only, keeps it in the model file, and a loaded model takes raw features', async () => {
    const data = table('penguins.csv', { target: 'species', ignore: ['island', 'sex'], missing: 'mean' });
    const { net } = await fit(data, { epochs: 5 });
    const n = net.config.normalization!;
    const { train } = data;
    const mean0 = Array.from({ length: train.count }, (_, r) => train.features[r * train.width]).reduce((s, v) => s + v, 0) / train.count;
    expect(n.offset[0]).toBeCloseTo(mean0, 3);
    const loaded = await networkFromModel(decodeModel(encodeModel(net), 'p.simdnet'));
    const raw = data.test.features.subarray(0, 10 * train.width);
    expect(loaded.config.normalization).toEqual(n);
    expect(loaded.predict(raw).outputs).toEqual(net.predict(raw).outputs);
    net.dispose();
    loaded.dispose();
  });

  it('a model file (version 2) keeps the task and the names of the classes, features and target', async () => {
    const data = table('penguins.csv', { target: 'species', ignore: ['island', 'sex'], missing: 'mean' });
    const { net } = await fit(data, { epochs: 1 });
    const bytes = encodeModel(net, {}, false, describeData(data));
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(2);
    expect(decodeModel(bytes, 'p.simdnet').data).toEqual({
      task: 'classification', classNames: ['Adelie', 'Chinstrap', 'Gentoo'],
      featureNames: ['culmen_length_mm', 'culmen_depth_mm', 'flipper_length_mm', 'body_mass_g'], targetNames: ['species'],
      // --missing mean's fill values, kept so that predict fills alike: the published means of the 342 measured penguins.
      featureFill: [43.92193, 17.15117, 200.9152, 4201.754].map((m, j) => expect.closeTo(m, j === 3 ? 2 : 4)),
    });
    expect(() => encodeModel(net, {}, false, { task: 'classification', classNames: ['a', 'b'] })).toThrow('encodeModel: data classNames lists 2 names but the network has 3');
    expect(() => encodeModel(net, {}, false, { task: 'ranking' as 'regression' })).toThrow('encodeModel: data task must be one of classification, binary, multi-label, regression; got "ranking"');
    expect(() => encodeModel(net, {}, false, { task: 'binary', targetNames: ['a', 'b', 'c'] })).toThrow('encodeModel: data task binary has one output (the probability of class 1), and the network has 3');
    net.dispose();
  });

  it('early stopping stops when validation stops improving and restores the best weights', async () => {
    const data = table('penguins.csv', { target: 'species', ignore: ['island', 'sex'], missing: 'mean' });
    const { net, result, data: used } = await fit(data, { epochs: 200, earlyStopping: { patience: 3, metric: 'loss' }, learningRate: 0.05 });
    expect(used.validation!.count).toBe(28);
    expect(result.stoppedEarly).toBe(true);
    expect(result.epochs).toBe(result.bestEpoch! + 3);
    const best = result.history.find((h) => h.epoch === result.bestEpoch)!;
    expect(Math.min(...result.history.map((h) => h.validation!.loss))).toBe(best.validation!.loss);
    expect(evaluate(net, used.validation!).loss).toBeCloseTo(best.validation!.loss, 6);
    net.dispose();
  });

  it('a run with early stopping resumed after epoch 4 ends as the uninterrupted run: same weights, history and best epoch', async () => {
    const data = holdOut(table('penguins.csv', { target: 'species', ignore: ['island', 'sex'], missing: 'mean' }), 'validation', 0.1, 1);
    const make = () => Network.create({
      inputs: 4, layers: [{ kind: 'dense', units: 16 }, { kind: 'relu' }, { kind: 'dropout', rate: 0.1 }, { kind: 'dense', units: 3 }, { kind: 'softmax' }],
      loss: 'cross-entropy', init: 'he', optimizer: 'adam', maxBatch: 16, normalization: fitNormalization('standard', data.train.features, data.train.count, 4),
    });
    const options = { epochs: 12, batchSize: 16, learningRate: 0.02, earlyStopping: { patience: 100, metric: 'accuracy' } };
    const whole = await make();
    const full = await train(whole, data, options);
    const first = await make();
    let saved: { rng: number[]; best: BestSoFar; history: HistoryEntry[]; params: Float32Array; state: Float32Array[]; steps: number } | undefined;
    await train(first, data, {
      ...options, epochs: 4,
      onEpochEnd: ({ rng, best, history }) => {
        saved = { rng: rng.getState(), best: { ...best!, parameters: best!.parameters.slice() }, history: [...history], params: first.parameters.slice(), state: first.optimizerState.map((b) => b.slice()), steps: first.optimizerSteps };
      },
    });
    const second = await make();
    second.parameters.set(saved!.params);
    second.optimizerState.forEach((b, i) => b.set(saved!.state[i]));
    second.optimizerSteps = saved!.steps;
    const resumed = await train(second, data, { ...options, resume: { epochsDone: 4, rng: Rng.fromState(saved!.rng), history: saved!.history, best: saved!.best } });
    expect(resumed.history).toEqual(full.history);
    expect(resumed.bestEpoch).toBe(full.bestEpoch);
    expect(second.parameters).toEqual(whole.parameters);
    for (const n of [whole, first, second]) n.dispose();
  });

  it('early stopping without a validation split, or on a metric the task lacks, is a clear error', async () => {
    const data = fromArrays(Array.from({ length: 20 }, (_, i) => [i]), { targets: Array.from({ length: 20 }, (_, i) => i) });
    await expect(fit(data, { earlyStopping: { patience: 2, metric: 'accuracy' } })).rejects.toThrow(
      'train: earlyStopping.metric: regression has no metric "accuracy"; its metrics are loss, r2, rmse, mae, mse');
    await expect(fit(data, { earlyStopping: { patience: 2 }, validation: 0.01 })).rejects.toThrow(
      "a validation fraction of 0.01 of the training split's 20 samples leaves 0 for validation and 20 for training; each needs at least one");
  });
});
