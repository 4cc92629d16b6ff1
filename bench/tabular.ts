// Tabular data in npm run bench: how fast parseCsv reads a CSV file (MB/s, against the naive
// split-and-Number parse), and simdnet's fit() against classical baselines on real data sets
// of @observablehq/sample-datasets, on the same split: logistic regression (the same engine
// with no hidden layer: softmax regression) and least squares (bench/baselines.ts).
// Run alone: node --import tsx bench/tabular.ts
import { readFileSync } from 'node:fs';
import '../src/platform-node.js';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseCsv, type CsvOptions } from '../src/data/csv.js';
import { holdOut } from '../src/data/split.js';
import { tableSplits } from '../src/data/table.js';
import { fit } from '../src/fit.js';
import { Rng } from '../src/rng.js';
import { leastSquaresR2 } from './baselines.js';
import { callsPerSecond, table } from './measure.js';

const require = createRequire(import.meta.url);
const sample = (file: string) => require.resolve(`@observablehq/sample-datasets/${file}`);

/** A CSV of `rows` rows of 20 random features and a target, as parseCsv and the naive parse both read it. */
function syntheticCsv(rows: number): Uint8Array {
  const rng = new Rng(3), names = [...Array.from({ length: 20 }, (_, j) => `x${j}`), 'y'];
  const lines = [names.join(',')];
  for (let r = 0; r < rows; r++) lines.push(names.map(() => (rng.normal() * 100).toFixed(4)).join(','));
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

/** MB/s of parseCsv and of text.split + Number on the same bytes. */
export function csvRates(rows = 100_000) {
  const bytes = syntheticCsv(rows), mb = bytes.length / 1e6;
  const ours = mb * callsPerSecond(() => parseCsv(bytes, { name: 'synthetic.csv', target: 'y' }), 1, 3);
  const naive = mb * callsPerSecond(() => {
    const lines = new TextDecoder().decode(bytes).split('\n');
    const out = new Float32Array((lines.length - 2) * 21);
    for (let r = 1; r < lines.length - 1; r++) lines[r].split(',').forEach((c, j) => (out[(r - 1) * 21 + j] = Number(c)));
  }, 1, 3);
  return { megabytes: mb, rows, parseCsv: ours, naive };
}

const split = (file: string, options: Omit<CsvOptions, 'name'>) =>
  holdOut(tableSplits(parseCsv(readFileSync(sample(file)), { name: file, ...options }), file), 'test', 0.2, 7);

/** Test accuracy (penguins, weather) and R² (diamonds) of fit() and of the baselines, on the same 80/20 split. */
export async function baselines() {
  const rows = [];
  for (const [file, options] of [
    ['penguins.csv', { target: 'species', ignore: ['island', 'sex'], missing: 'mean' }],
    ['weather.csv', { target: 'weather', ignore: ['location', 'date'] }],
  ] as const) {
    const data = split(file, options);
    const mlp = await fit(data, { epochs: 60 }), logistic = await fit(data, { hidden: [], epochs: 60 });
    rows.push({ data: file, metric: 'test accuracy', simdnet: mlp.result.final.test.accuracy, baseline: logistic.result.final.test.accuracy, baselineName: 'logistic regression' });
    mlp.net.dispose();
    logistic.net.dispose();
  }
  const diamonds = split('diamonds.csv', { target: 'price', ignore: ['cut', 'color', 'clarity'] });
  const mlp = await fit(diamonds, { epochs: 8, batchSize: 64 });
  rows.push({ data: 'diamonds.csv', metric: 'test R²', simdnet: mlp.result.final.test.r2, baseline: leastSquaresR2(diamonds), baselineName: 'least squares' });
  mlp.net.dispose();
  return rows;
}

export function tabularTables(csv: ReturnType<typeof csvRates>, rows: Awaited<ReturnType<typeof baselines>>): string {
  return [
    `CSV reading: ${csv.megabytes.toFixed(1)} MB, ${csv.rows.toLocaleString('en-US')} rows × 21 numbers, MB/s (median of 3 rounds)\n`,
    table(['reader', 'MB/s'], [['parseCsv', csv.parseCsv.toFixed(1)], ['split + Number (naive)', csv.naive.toFixed(1)]]),
    '\nfit() against classical baselines, same 80/20 split (seed 7)\n',
    table(['data', 'metric', 'simdnet fit()', 'baseline', 'which'], rows.map((r) => [r.data, r.metric, r.simdnet.toFixed(4), r.baseline.toFixed(4), r.baselineName])),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) console.log(tabularTables(csvRates(), await baselines()));
