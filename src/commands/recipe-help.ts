// The table at the end of `simdnet train --help`: every recipe's settings, one row per flag
// that overrides it and one column per recipe (so it stays narrow), made from RECIPES so
// that it cannot drift from them.
import { formatLayers } from '../layers/describe.js';
import { RECIPES, type Recipe } from '../recipes.js';

// A recipe's layer list (the cnn recipe's) takes the place of --hidden and --activation, and
// weight decay is AdamW's alone: "-" marks what a recipe does not set or use.
const ROWS: [flag: string, value: (r: Recipe) => string | number][] = [
  ['--hidden', (r) => (r.layers ? '-' : r.hidden.join(',') || 'none')],
  ['--activation', (r) => (r.layers ? '-' : r.activation)],
  ['--layers', (r) => (r.layers ? formatLayers(r.layers) : '-')],
  ['--loss', (r) => r.loss],
  ['--init', (r) => r.init],
  ['--optimizer', (r) => r.optimizer],
  ['--epochs', (r) => r.epochs],
  ['--batch-size', (r) => r.batchSize],
  ['--lr', (r) => r.learningRate],
  ['--schedule', (r) => r.schedule],
  ['--l2', (r) => r.l2],
  ['--weight-decay', (r) => (r.optimizer === 'adamw' ? r.weightDecay : '-')],
  ['--clip-norm', (r) => r.clipNorm],
  ['--eval-every', (r) => r.evalEvery],
  ['--train-score-samples', (r) => r.trainScoreSamples ?? 'all'],
];

export function recipeHelp(): string {
  const recipes = Object.entries(RECIPES);
  const rows = [['--recipe', ...recipes.map(([name]) => name)]];
  for (const [flag, value] of ROWS) rows.push([flag, ...recipes.map(([, recipe]) => String(value(recipe)))]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const table = rows.map((row) => '  ' + row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
  return ['', "Each recipe's settings (a flag overrides its row):", ...table].join('\n');
}
