// Probabilities as a bar chart of rows: name, bar, value; the best one darker.
import { esc } from '../src/report/svg.js';

/** The rows of a .bars grid for `values` (each in [0, 1]) named `names`. */
export function barsHtml(names: readonly string[], values: readonly number[], best?: number): string {
    return values.map((v, i) =>
    `<span>${esc(names[i])}</span><div class="bar${i === best ? ' top' : ''}" style="width:${(100 * v).toFixed(1)}%"></div><span>${v.toFixed(3)}</span>`).join('');
}
