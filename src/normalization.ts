// Normalisation of input features: x' = (x − offset)·scale per feature, fitted on the
// training split only and kept in the network's config (so in its model file and its
// exports), so that a saved model takes raw features. Why: a feature in thousands beside
// one in thousandths makes one learning rate wrong for both; standardising puts every
// feature near N(0, 1), which is what the He and Xavier initialisations assume.
import { shortestFloat32 } from './decimal.js';
import { shown } from './shown.js';

export const NORMALIZATIONS = ['standard', 'min-max'] as const;
export type NormalizationKind = (typeof NORMALIZATIONS)[number];

export interface Normalization {
  /** 'standard': offset = mean, scale = 1/σ. 'min-max': offset = min, scale = 1/(max − min), to [0, 1]. */
  kind: NormalizationKind;
  /** [inputs] subtracted from each feature. */
  offset: number[];
  /** [inputs] multiplied after; 1 where a feature is constant (σ or the range is 0), so it maps to 0, not ∞. */
  scale: number[];
}

/**
 * Fits a normalisation to `count` rows of `width` features, row-major in `features`
 * [count × width]: means and standard deviations (population σ, in float64), or minima and
 * ranges. A feature with no spread gets scale 1; one too small for float32's 1/spread is an
 * error, naming it by `names` where given (fit() gives "feature "a"", "target "y"").
 */
export function fitNormalization(kind: NormalizationKind, features: Float32Array, count: number, width: number, names?: readonly string[]): Normalization {
  if (!NORMALIZATIONS.includes(kind)) throw new Error(`normalization must be one of ${NORMALIZATIONS.join(', ')}; got ${shown(kind)}`);
  if (!Number.isSafeInteger(count) || count < 1) throw new Error(`normalization: count must be a positive integer (the rows to fit it on), got ${shown(count)}`);
  if (!Number.isSafeInteger(width) || width < 1) throw new Error(`normalization: width must be a positive integer (the features per row), got ${shown(width)}`);
  if (!(features instanceof Float32Array) || features.length < count * width) {
    throw new Error(`normalization: features must be a Float32Array of at least count × width = ${count * width} values, got ${features instanceof Float32Array ? `${features.length}` : shown(features)}`);
  }
  const bad = features.subarray(0, count * width).findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new Error(`normalization: values[${bad}] (row ${Math.floor(bad / width) + 1}, column ${(bad % width) + 1}) is ${features[bad]}; every value must be a finite number`);
  const offset: number[] = [], scale: number[] = [];
  for (let j = 0; j < width; j++) {
    let a = 0, b = 0;
    if (kind === 'standard') {
      for (let i = 0; i < count; i++) a += features[i * width + j];
      a /= count;
      for (let i = 0; i < count; i++) b += (features[i * width + j] - a) ** 2;
      b = Math.sqrt(b / count);
    } else {
      a = Infinity;
      let max = -Infinity;
      for (let i = 0; i < count; i++) {
        const x = features[i * width + j];
        if (x < a) a = x;
        if (x > max) max = x;
      }
      b = max - a;
    }
    offset.push(Math.fround(a));
    // A spread so small its reciprocal overflows float32 (1e-40): no scale can be stored, and treating it as a constant would lose the column.
    const reciprocal = Math.fround(1 / b);
    if (b > 0 && !Number.isFinite(reciprocal)) {
      throw new Error(`normalization: ${names?.[j] ?? `column ${j + 1}`}'s values spread over ${b.toPrecision(3)} (their ${kind === 'standard' ? 'σ' : 'range'}), too little for float32 to hold 1/${b.toPrecision(3)}: scale the column up (×1e30, say)`);
    }
    scale.push(b > 0 ? reciprocal : 1);
  }
  return { kind, offset, scale };
}

/** A normalisation given in options or read from a model file (the option `name`), checked against the `width` values it applies to; an Error names what is wrong. */
export function checkNormalization(name: string, n: Normalization, width: number): Normalization {
  const fail = (why: string): never => {
    throw new Error(`Network: ${name} ${why}`);
  };
  if (typeof n !== 'object' || n === null) fail(`must be an object { kind, offset, scale }, got ${shown(n)}`);
  if (!NORMALIZATIONS.includes(n.kind)) fail(`kind must be one of ${NORMALIZATIONS.join(', ')}; got ${shown(n.kind)}`);
  for (const field of ['offset', 'scale'] as const) {
    const v = n[field];
    if (!Array.isArray(v) || v.length !== width) fail(`${field} must list ${width} numbers, one per ${name === 'normalization' ? 'input' : 'output'}; got ${Array.isArray(v) ? v.length : typeof v}`);
    const bad = v.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x) || (field === 'scale' && x === 0));
    if (bad >= 0) fail(`${field}[${bad}] is ${shown(v[bad])}; it must be a finite number${field === 'scale' ? ' other than 0' : ''}`);
  }
  return { kind: n.kind, offset: [...n.offset], scale: [...n.scale] };
}

/** A normalisation's offset and scale as float32, as the network applies them. */
export interface Float32Normalization {
  offset: Float32Array;
  scale: Float32Array;
}

/** (x − offset)·scale as float32 holds it: Infinity past its range (a feature of 1e10 where the training data's spread was 1e-30). */
export const normalized = (x: number, offset: number, scale: number): number => Math.fround(Math.fround(x - offset) * scale);

/** Why a value cannot be normalised by (offset, scale), to follow "… is <value>": it would be Infinity, and every output NaN. */
export const overflowText = (offset: number, scale: number): string =>
  `, which the model's normalisation ((x − ${shortestFloat32(offset)}) × ${shortestFloat32(scale)}) takes past float32's range: far outside the data it was fitted on`;

/**
 * x ← (x − offset)·scale in place, for `rows` rows of x [rows × offset.length]; the offset
 * and scale are float32 arrays so that every backend and export rounds alike. A value the
 * normalisation takes past float32's range is an error naming its row within the batch and
 * `what` it is (train() and evaluate() check whole data sets first: checkFits).
 */
export function normalizeRows(offset: Float32Array, scale: Float32Array, x: Float32Array, rows: number, what: string): void {
  const width = offset.length;
  for (let r = 0; r < rows; r++) {
    const at = r * width;
    for (let j = 0; j < width; j++) {
      const given = x[at + j];
      x[at + j] = normalized(given, offset[j], scale[j]);
      if (!Number.isFinite(x[at + j])) throw new RangeError(`${what} ${j} (row ${r} of its batch) is ${shortestFloat32(given)}${overflowText(offset[j], scale[j])}`);
    }
  }
}

/** The inverse, a ← a / scale + offset in place, for `rows` rows of a [rows × offset.length]. */
export function denormalizeRows(offset: Float32Array, scale: Float32Array, a: Float32Array, rows: number): void {
  const width = offset.length;
  for (let r = 0; r < rows; r++) {
    const at = r * width;
    for (let j = 0; j < width; j++) a[at + j] = Math.fround(a[at + j] / scale[j]) + offset[j];
  }
}
