// The table at the end of `simdnet train --help`: every recipe's settings, one row per flag
// that overrides it and one column per recipe (so it stays narrow), made from RECIPES so
// that it cannot drift from them.
import { FIT_DEFAULTS } from '../fit.js';
import { formatLayers } from '../layers/describe.js';
import { RECIPES, type Recipe } from '../recipes.js';
import { TASK_KINDS } from '../tasks/task.js';

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
  // A table's run has no recipe: fit()'s defaults, the same flags overriding them.
  const d = FIT_DEFAULTS;
  const tables = `With --data FILE.csv (a table) there is no recipe: --layers ${formatLayers(d.hidden)}, --init ${d.init}, --optimizer ${d.optimizer}, ` +
    `--lr ${d.learningRate}, --epochs ${d.epochs}, --batch-size ${d.batchSize}, and the loss of its task (${Object.values(TASK_KINDS).map((t) => `${t.name}: ${t.loss}`).join(', ')}).`;
  return ['', "Each recipe's settings (a flag overrides its row):", ...table, '', ...wrap(tables, 80)].join('\n');
}

/** `text` in lines of at most `width` characters, broken at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    if (lines.length && (lines.at(-1)! + ' ' + word).length <= width) lines[lines.length - 1] += ' ' + word;
    else lines.push(word);
  }
  return lines;
}
