// Folding a model's normalisations into its first and last dense layers, for formats with
// no step of their own for them (the TF.js layers format), so that the export takes raw
// features and gives outputs in the targets' units, as Network.predict does.
//
// Inputs: the network sees x' = (x − o)⊙s, so its first dense layer computes
//   z_j = Σ_k w_jk·s_k·(x_k − o_k) + b_j = Σ_k w'_jk·x_k + b'_j
//   with w'_jk = w_jk·s_k and b'_j = b_j − Σ_k w_jk·s_k·o_k = b_j − Σ_k w'_jk·o_k.
// This holds only when x' reaches that layer unchanged: nothing but dropout and identity
// layers (identities at inference) before it.
// Outputs: predict returns y = a/s + o of the network's output a; when a is the last dense
// layer's z (nothing but dropout and identity after it),
//   y_j = Σ_k (w_jk / s_j)·h_k + (b_j / s_j + o_j)
//   with w'_jk = w_jk / s_j and b'_j = b_j / s_j + o_j.
// The sums are taken in float64 and rounded to float32 once, with o and s as the float32
// the network applies; the folded model still rounds differently from predict (which
// rounds x − o, then its product by s), by a few float32 ulps of the values involved.
import type { Model } from '../model.js';
import type { Normalization } from '../normalization.js';
import type { DenseStep, InferenceStep } from './layers.js';

/** The steps with config.normalization folded into the first and config.targetNormalization into the last, copied; `format` names what cannot hold them in the error when they cannot be folded. */
export function foldNormalizations(model: Model, steps: InferenceStep[], format: string): InferenceStep[] {
  const { normalization, targetNormalization } = model.config;
  const folded = [...steps];
  const dense = (at: number, which: string, where: string): DenseStep => {
    const step = folded[at];
    if (step.kind !== 'dense') {
      throw new Error(`${format} cannot hold the ${which} normalisation: it folds into the ${where} dense layer only when nothing but dropout or identity layers stand ${where === 'first' ? 'before' : 'after'} it, and layers[${step.layer}] is ${step.kind}; export to ONNX instead`);
    }
    return step;
  };
  if (normalization) folded[0] = foldInputs(dense(0, 'input', 'first'), normalization);
  if (targetNormalization) folded[folded.length - 1] = foldOutputs(dense(folded.length - 1, 'target', 'last'), targetNormalization);
  return folded;
}

function foldInputs(step: DenseStep, { offset, scale }: Normalization): DenseStep {
  const { nIn, nOut } = step;
  const w = new Float32Array(nOut * nIn), b = new Float32Array(nOut);
  for (let j = 0; j < nOut; j++) {
    let shift = 0;
    for (let k = 0; k < nIn; k++) {
      const wk = step.w[j * nIn + k] * Math.fround(scale[k]);
      w[j * nIn + k] = wk;
      shift += wk * Math.fround(offset[k]);
    }
    b[j] = step.b[j] - shift;
  }
  return { ...step, w, b };
}

function foldOutputs(step: DenseStep, { offset, scale }: Normalization): DenseStep {
  const { nIn, nOut } = step;
  const w = new Float32Array(nOut * nIn), b = new Float32Array(nOut);
  for (let j = 0; j < nOut; j++) {
    const s = Math.fround(scale[j]);
    for (let k = 0; k < nIn; k++) w[j * nIn + k] = step.w[j * nIn + k] / s;
    b[j] = step.b[j] / s + Math.fround(offset[j]);
  }
  return { ...step, w, b };
}
