// The CSV section: a file dropped onto the page or chosen, its columns, and how to read it —
// the target, the task, which columns are features, what a missing value means. Every change
// of a choice asks for the file to be read anew (a new network for it).
import { TASKS } from '../src/tasks/task.js';
import { datesWrittenAsText, featureColumns, tooManyCategories } from '../src/data/categories.js';
import { numbersWrittenAsText } from '../src/data/csv.js';
import { esc } from '../src/report/svg.js';
import type { CsvColumn } from './csv-columns.js';
import { $, count } from './dom.js';
import type { TableChoice, TableModel } from './protocol.js';

const isText = (c: CsvColumn) => c.texts > 0;
const isDates = (c: CsvColumn) => c.numbers === 0 && datesWrittenAsText(c.dates, c.texts);
/** A column parseCsv encodes one-hot: text and no numbers, of few enough values to be categories, not dates, none too long. */
const isCategorical = (c: CsvColumn) => isText(c) && c.numbers === 0 && !numbersWrittenAsText(c.formattedNumbers, c.texts, c.withUnit, c.units) && !isDates(c) && c.longTexts === 0 && !tooManyCategories(c.distinctTexts, c.texts);
/** A column ticked as a feature at first: numbers, or text parseCsv encodes. */
const isFeature = (c: CsvColumn) => !isText(c) || isCategorical(c);

/**
 * The target offered first: the last column with no missing cell (a target cannot be
 * imputed) that is not text naming each row apart (names, ids: no classes to learn); the
 * last column when none is.
 */
export function defaultTarget(columns: readonly CsvColumn[]): CsvColumn {
  return [...columns].reverse().find((c) => c.missing === 0 && !(isText(c) && c.distinctTexts === c.texts)) ?? columns.at(-1)!;
}

export interface CsvPanel {
  /** The columns of the file `name` just chosen: the choices start from their defaults (defaultTarget's target, text columns of names or ids, and of numbers among text, ignored). */
  showColumns(name: string, columns: CsvColumn[]): void;
  /** The file as the worker read it. */
  showTable(model: TableModel): void;
  /** A model loaded from its file took the place of the file's table: its choices are hidden. */
  forget(): void;
  /** Why the file could not be read as chosen, verbatim. */
  showError(message: string): void;
  /** Choices are locked while a network trains. */
  setEnabled(enabled: boolean): void;
  /** Early stopping's patience when it is ticked; undefined when it is not, null after saying beside the field why its value is refused. */
  patience(): number | undefined | null;
}

export function csvPanel(onFile: (file: File) => void, onChoice: (choice: TableChoice) => void): CsvPanel {
  const target = $<HTMLSelectElement>('target'), task = $<HTMLSelectElement>('task'), missing = $<HTMLSelectElement>('missing');
  const list = $('columns'), summary = $('csv-summary'), message = $('csv-message');
  let columns: CsvColumn[] = [];

  task.innerHTML = `<option value="">inferred</option>${TASKS.map((t) => `<option value="${t}">${t}</option>`).join('')}`;
  const input = $<HTMLInputElement>('csv-file');
  input.onchange = () => input.files?.[0] && onFile(input.files[0]);
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) onFile(file);
  });

  const ignored = () => columns.filter((c) => c.name !== target.value && !list.querySelector<HTMLInputElement>(`input[data-column="${CSS.escape(c.name)}"]`)!.checked);
  const choose = () => {
    message.textContent = '';
    onChoice({ target: target.value, ignore: ignored().map((c) => c.name), missing: missing.value as TableChoice['missing'], ...(task.value ? { task: task.value as TableChoice['task'] } : {}) });
  };

  /** One checkbox per column, ticked for a feature; the target's is hidden. */
  const listColumns = (used: (c: CsvColumn) => boolean) => {
    list.innerHTML = columns.map((c) => `<label${c.name === target.value ? ' hidden' : ''}><input type="checkbox" data-column="${esc(c.name)}"${used(c) ? ' checked' : ''}> ${esc(c.name)}` +
      ` <span class="placeholder">${isCategorical(c) ? `text, ${count(c.distinctTexts)} values, one-hot` : isDates(c) ? 'dates' : isText(c) ? 'text' : 'numbers'}${c.missing ? `, ${c.missing} missing` : ''}</span></label>`).join('');
    list.querySelectorAll('input').forEach((box) => (box.onchange = choose));
  };

  target.onchange = () => {
    const was = new Set(ignored().map((c) => c.name));
    listColumns((c) => !was.has(c.name) && isFeature(c));
    task.value = '';
    choose();
  };
  task.onchange = missing.onchange = choose;

  const patienceField = $<HTMLInputElement>('patience'), earlyStop = $<HTMLInputElement>('early-stop');
  const patience = () => {
    const value = patienceField.valueAsNumber;
    const problem = !earlyStop.checked || (Number.isInteger(value) && value >= 1) ? ''
      : patienceField.value === '' ? 'Patience: give a whole number of epochs, 1 or more' : `Patience: "${patienceField.value}" is not a whole number of epochs, 1 or more`;
    $('patience-message').textContent = problem;
    return problem ? null : earlyStop.checked ? value : undefined;
  };
  patienceField.oninput = earlyStop.onchange = patience;

  return {
    showColumns(name, found) {
      columns = found;
      $('csv-choices').hidden = false;
      $('csv-name').textContent = name;
      summary.textContent = '';
      target.innerHTML = columns.map((c) => `<option>${esc(c.name)}</option>`).join('');
      target.value = defaultTarget(columns).name;
      task.value = '';
      listColumns(isFeature);
      choose();
    },
    showTable(model) {
      task.querySelector('option[value=""]')!.textContent = `inferred: ${model.inferred}`;
      const s = model.splits!;
      // A text column's missing cells are none of its values, not filled with a mean.
      const oneHot = new Set(model.categories?.map((c) => c.column)), features = new Set(featureColumns(model.featureNames, model.categories));
      const missingCells = columns.filter((c) => features.has(c.name) && !oneHot.has(c.name)).reduce((n, c) => n + c.missing, 0);
      const what = model.task === 'classification' ? `${model.outputNames.length} classes of ${model.targetNames[0]} (${model.outputNames.join(', ')})`
        : `${model.targetNames.join(', ')}`;
      summary.innerHTML = [
        `${count(s.train + s.validation + s.test)} rows: ${count(s.train)} training, ${count(s.validation)} validation, ${count(s.test)} test (seeded shuffle)`,
        `<b data-task="${model.task}">${model.task}</b> of ${esc(what)} from ${count(model.featureNames.length)} ${model.featureNames.length === 1 ? 'feature' : 'features'}` +
          `${model.categories?.length ? ` (one-hot: ${esc(model.categories.map((c) => `${c.column}, ${c.values.length} values`).join('; '))})` : ''}`,
        ...(ignored().length ? [`ignored: ${esc(ignored().map((c) => c.name).join(', '))}`] : []),
        ...(missingCells && missing.value === 'mean' ? [`${missingCells} missing values replaced by their column's mean`] : []),
      ].map((line) => `<div>${line}</div>`).join('');
    },
    forget() {
      $('csv-choices').hidden = true;
      summary.textContent = message.textContent = '';
    },
    showError(text) {
      summary.textContent = '';
      message.textContent = text;
    },
    setEnabled(enabled) {
      for (const el of [target, task, missing, input, ...Array.from(list.querySelectorAll('input'))]) el.disabled = !enabled;
    },
    patience,
  };
}
