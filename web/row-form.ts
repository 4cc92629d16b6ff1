// The form that predicts one row with the table network: a number input per feature, named
// from the header, and the prediction — the class with every class's probability, the
// probability of each label, or each target's value in its own units.
import { esc } from '../src/report/svg.js';
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
    const fields = Array.from(inputs.querySelectorAll('input'));
    const wrong = fields.findIndex((f) => !Number.isFinite(f.valueAsNumber));
    message.textContent = wrong < 0 ? '' : `${model!.featureNames[wrong]}: "${fields[wrong].value}" is not a number`;
    if (wrong < 0) predict(fields.map((f) => f.valueAsNumber));
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
      inputs.innerHTML = m.featureNames.map((name) => `<label>${esc(name)} <input type="number" step="any"></label>`).join('');
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
      const text = task === 'classification' ? outputNames[predicted!] : task === 'binary' ? `${outputNames[0]} ${outputs[0] >= 0.5 ? 1 : 0}` : outputNames.filter((_, i) => outputs[i] >= 0.5).join(', ') || 'no label';
      shown.textContent = text;
      shown.dataset.value = text;
      bars.innerHTML = barsHtml(outputNames, outputs, predicted);
    },
    clear,
  };
}
