// The form that predicts one row with the table network: a number input per number feature and
// a choice of values per text column (its one-hot block), named from the header, and the prediction — the class with every class's probability, the
// probability of each label, or each target's value in its own units.
import { esc } from '../src/report/svg.js';
import { featureColumns } from '../src/data/categories.js';
import { binaryClassNames } from '../src/tasks/binary.js';
import { barsHtml } from './bars.js';
import { $ } from './dom.js';
import type { TableModel } from './protocol.js';


export interface RowForm {
  /** Inputs for `model`'s features; the prediction back to its placeholder. */
  setModel(model: TableModel): void;
  showPrediction(outputs: number[], predicted?: number): void;
  clear(): void;
}

export function rowForm(predict: (features: number[]) => void): RowForm {
  const inputs = $('row-inputs'), shown = $('row-prediction'), bars = $('row-bars'), message = $('row-message');
  let model: TableModel | undefined;

  $<HTMLFormElement>('row-form').onsubmit = (e) => {
    e.preventDefault();
    // One field per column, in order: a number, or a text column's value, 1 in its one-hot block.
    const fields = Array.from(inputs.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select'));
    const wrong = fields.findIndex((f) => f instanceof HTMLInputElement && !Number.isFinite(f.valueAsNumber));
    message.textContent = wrong < 0 ? '' : `${featureColumns(model!.featureNames, model!.categories)[wrong]}: "${fields[wrong].value}" is not a number`;
    if (wrong >= 0) return;
    const x = new Array<number>(model!.featureNames.length).fill(0);
    let j = 0;
    for (const f of fields) {
      if (f instanceof HTMLSelectElement) {
        // Its last choice is a missing value: none of the column's values, 0s.
        const width = f.options.length - 1;
        if (f.selectedIndex < width) x[j + f.selectedIndex] = 1;
        j += width;
      } else x[j++] = f.valueAsNumber;
    }
    predict(x);
  };

  const clear = () => {
    shown.textContent = '–';
    shown.classList.add('placeholder');
    delete shown.dataset.value;
    bars.innerHTML = '';
    message.textContent = '';
  };

  return {
    setModel(m) {
      model = m;
      inputs.innerHTML = featureColumns(m.featureNames, m.categories).map((name) => {
        const block = m.categories?.find((c) => c.column === name);
        return `<label>${esc(name)} ${block ? `<select>${block.values.map((v) => `<option>${esc(v)}</option>`).join('')}<option value="">(missing)</option></select>` : '<input type="number" step="any">'}</label>`;
      }).join('');
      clear();
    },
    showPrediction(outputs, predicted) {
      const { task, outputNames } = model!;
      shown.classList.remove('placeholder');
      if (task === 'regression') {
        shown.innerHTML = outputs.map((v, i) => `<div>${esc(outputNames[i])}: <span class="stat" data-value="${v}">${v.toLocaleString('en-US', { maximumSignificantDigits: 6 })}</span></div>`).join('');
        shown.dataset.value = String(outputs[0]);
        bars.innerHTML = '';
        return;
      }
      const text = task === 'classification' ? outputNames[predicted!] : task === 'binary' ? `${outputNames[0]} ${binaryClassNames(model!.binaryClasses)[outputs[0] >= 0.5 ? 1 : 0]}` : outputNames.filter((_, i) => outputs[i] >= 0.5).join(', ') || 'no label';
      shown.textContent = text;
      shown.dataset.value = text;
      bars.innerHTML = barsHtml(outputNames, outputs, predicted);
    },
    clear,
  };
}
