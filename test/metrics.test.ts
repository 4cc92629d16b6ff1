// The confusion matrix and classification report against hand-computed values, with a
// class that is never predicted (as the seed's class 3): scikit-learn's zero_division = 0.
import { describe, expect, it } from 'vitest';
import { classificationReport, confusionMatrix, formatClassificationReport } from '../src/metrics.js';
import { binaryConfusion, rocAuc, rocCurve } from '../src/tasks/binary.js';
import { multiLabelReport } from '../src/tasks/multi-label.js';
import { regressionReport } from '../src/tasks/regression.js';

const actual = [0, 0, 1, 1, 1, 2, 2, 3, 3];
const predicted = [0, 1, 1, 1, 1, 2, 0, 2, 2];

describe('metrics', () => {
  const cm = confusionMatrix(actual, predicted, 4);
  const r = classificationReport(cm);

  it('counts the confusion matrix [actual][predicted]', () => {
    expect(cm).toEqual([[1, 1, 0, 0], [0, 3, 0, 0], [1, 0, 1, 0], [0, 0, 2, 0]]);
    expect([r.total, r.correct]).toEqual([9, 5]);
  });

  it('gives precision, recall, F1 and support per class, 0 for the class never predicted', () => {
    const rows = r.perClass.map((c) => [c.precision, c.recall, c.f1, c.support]);
    const expected = [[0.5, 0.5, 0.5, 2], [0.75, 1, 6 / 7, 3], [1 / 3, 0.5, 0.4, 2], [0, 0, 0, 2]];
    rows.forEach((row, c) => row.forEach((v, k) => expect(v).toBeCloseTo(expected[c][k], 10)));
  });

  it('gives accuracy and the macro and weighted averages', () => {
    expect(r.accuracy).toBeCloseTo(5 / 9, 10);
    expect(r.macro.precision).toBeCloseTo((0.5 + 0.75 + 1 / 3) / 4, 10);
    expect(r.macro.recall).toBeCloseTo(0.5, 10);
    expect(r.macro.f1).toBeCloseTo((0.5 + 6 / 7 + 0.4) / 4, 10);
    expect(r.weighted.precision).toBeCloseTo((2 * 0.5 + 3 * 0.75 + 2 / 3) / 9, 10);
    expect(r.weighted.recall).toBeCloseTo(5 / 9, 10);
    expect(r.weighted.f1).toBeCloseTo((1 + 18 / 7 + 0.8) / 9, 10);
  });

  it("averages over the labels in the truth or the predictions only, as scikit-learn's macro average does", () => {
    // Four classes, 2 and 3 neither seen nor predicted: y_true [0,0,1,1], y_pred [0,1,1,1].
    // Class 0: precision 1, recall 0.5, F1 2/3; class 1: precision 2/3, recall 1, F1 0.8.
    // scikit-learn's classification_report gives macro F1 (2/3 + 0.8) / 2 = 0.733 (not / 4 = 0.367).
    const sparse = classificationReport(confusionMatrix([0, 0, 1, 1], [0, 1, 1, 1], 4));
    expect(sparse.macro.precision).toBeCloseTo((1 + 2 / 3) / 2, 10);
    expect(sparse.macro.recall).toBeCloseTo(0.75, 10);
    expect(sparse.macro.f1).toBeCloseTo((2 / 3 + 0.8) / 2, 10);
    expect(sparse.macro.f1.toFixed(3)).toBe('0.733');
    // A class only predicted (never in the truth) counts: y_true [0,0], y_pred [0,2] over 3 classes.
    const predictedOnly = classificationReport(confusionMatrix([0, 0], [0, 2], 3));
    expect(predictedOnly.macro.f1).toBeCloseTo((2 / 3 + 0) / 2, 10);
  });

  it("prints as scikit-learn's classification_report(digits=3)", () => {
    expect(formatClassificationReport(r)).toBe([
      '              precision    recall  f1-score   support',
      '',
      '           0      0.500     0.500     0.500         2',
      '           1      0.750     1.000     0.857         3',
      '           2      0.333     0.500     0.400         2',
      '           3      0.000     0.000     0.000         2',
      '',
      '    accuracy                          0.556         9',
      '   macro avg      0.396     0.500     0.439         9',
      'weighted avg      0.435     0.556     0.486         9',
    ].join('\n'));
  });

  it('rejects label and prediction lists of different lengths', () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow('confusionMatrix: 2 actual labels but 1 predictions');
  });
});

describe('the report helpers, on arguments that do not fit', () => {
  it('confusionMatrix refuses labels outside the classes and a size past what it may hold, naming the value', () => {
    expect(() => confusionMatrix([0, 1], [0, 5], 3)).toThrow('confusionMatrix: predicted[1] is 5; classes are 0 to 2');
    expect(() => confusionMatrix([0, -1], [0, 1], 3)).toThrow('confusionMatrix: actual[1] is -1; classes are 0 to 2');
    expect(() => confusionMatrix([0.5], [0], 3)).toThrow('confusionMatrix: actual[0] is 0.5; classes are 0 to 2');
    expect(() => confusionMatrix([0], [0], 1e9)).toThrow('confusionMatrix: classes must be an integer from 1 to 4096, got 1000000000');
  });

  it('multiLabelReport counts each label\'s true and false positives and negatives, present from ½', () => {
    // Rows of (output, target) for labels a and b: a is TP, FN, FP, TN; b is TP, TP, TN, FN.
    const outputs = new Float32Array([0.9, 0.5, 0.2, 0.7, 0.6, 0.1, 0.4, 0.49]), targets = new Float32Array([1, 1, 1, 1, 0, 0, 0, 1]);
    const r = multiLabelReport(outputs, targets, 2);
    expect(r.counts).toEqual([{ tp: 1, fp: 1, fn: 1, tn: 1 }, { tp: 2, fp: 0, fn: 1, tn: 1 }]);
    expect(r.perLabel[1]).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
  });

  it('rocCurve steps up for each row of class 1 and right for each of class 0, as the threshold falls; equal outputs step together, diagonally; its area is rocAuc', () => {
    // Outputs 0.9 (1), 0.8 (0), 0.7 (1), 0.7 (0), 0.1 (0): two positives, three negatives.
    const outputs = Float32Array.of(0.7, 0.9, 0.1, 0.8, 0.7), targets = Float32Array.of(1, 1, 0, 0, 0);
    expect(rocCurve(outputs, targets)).toEqual([[0, 0], [0, 0.5], [1 / 3, 0.5], [2 / 3, 1], [1, 1]]);
    // Pairs of a 1 above a 0: 0.9 beats all three, 0.7 beats 0.1 and ties 0.7: (3 + 1 + ½) / 6.
    expect(rocAuc(outputs, targets)).toBeCloseTo(4.5 / 6, 12);
    expect(rocCurve(outputs, Float32Array.of(1, 1, 1, 1, 1))).toEqual([]);
    expect(() => rocCurve(Float32Array.of(0.1, NaN), Float32Array.of(0, 1))).toThrow('rocCurve: outputs[1] is NaN; every output must be a number');
  });

  it('rocAuc is the share of (1, 0) pairs a 1 scores above, ties ½, as every pair counted gives it; NaN with one class', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    // Outputs rounded to tenths, so that many tie.
    const outputs = Float32Array.from({ length: 300 }, () => Math.round(random() * 10) / 10), targets = Float32Array.from(outputs, (o) => (random() < o ? 1 : 0));
    let ordered = 0, pairs = 0;
    for (let i = 0; i < 300; i++) for (let j = 0; j < 300; j++) {
      if (targets[i] !== 1 || targets[j] !== 0) continue;
      pairs++;
      ordered += outputs[i] > outputs[j] ? 1 : outputs[i] === outputs[j] ? 0.5 : 0;
    }
    expect(rocAuc(outputs, targets)).toBeCloseTo(ordered / pairs, 12);
    expect(rocAuc(new Float32Array([0.1, 0.9]), new Float32Array([1, 1]))).toBeNaN();
    expect(binaryConfusion(new Float32Array([0.9, 0.5, 0.49, 0.2, 0.7]), new Float32Array([1, 0, 1, 0, 0]))).toEqual([[1, 2], [1, 1]]);
    expect(() => binaryConfusion(new Float32Array([0.9]), new Float32Array([0.5]))).toThrow('binaryConfusion: targets[0] is 0.5; a binary target is 0 or 1');
    // rocAuc checks as strictly: a 2 is no negative, and a NaN output has no rank.
    expect(() => rocAuc(Float32Array.of(0.1, 0.9, 0.8), Float32Array.of(0, 1, 2))).toThrow('rocAuc: targets[2] is 2; a binary target is 0 or 1');
    expect(() => rocAuc(Float32Array.of(0.1, NaN, 0.8), Float32Array.of(0, 1, 1))).toThrow('rocAuc: outputs[1] is NaN; every output must be a number');
  });

  it('multiLabelReport and regressionReport refuse outputs and targets of other lengths, a width that does not divide them, and targets that are not numbers', () => {
    const two = new Float32Array([1, 0, 1, 0, 1, 1]);
    expect(() => multiLabelReport(two, two, 4)).toThrow('multiLabelReport: 6 values are not rows of 4 (the width); give at least one whole row');
    expect(() => multiLabelReport(two, two.subarray(0, 4), 2)).toThrow('multiLabelReport: 6 outputs but 4 targets; give one output per target');
    expect(() => regressionReport(new Float32Array([1, 2]), new Float32Array([1, NaN]), 1)).toThrow('regressionReport: targets[1] is NaN; every target must be a finite number');
    expect(() => regressionReport(new Float32Array(0), new Float32Array(0), 1)).toThrow('regressionReport: 0 values are not rows of 1 (the width); give at least one whole row');
    expect(() => regressionReport(two, two, 0)).toThrow('regressionReport: width must be a positive integer, got 0');
    expect(multiLabelReport(two, two, 2).subsetAccuracy).toBe(1);
    expect(() => multiLabelReport(two, new Float32Array([1, 0, 5, 0, 1, 1]), 2)).toThrow('multiLabelReport: targets[2] is 5; a label is 0 (absent) to 1 (present), present from 0.5');
  });
});
