// The reference backend: every kernel of kernels.ts as plain loops over one ArrayBuffer,
// written to be read next to the equations. It is the specification the WASM kernels are
// tested against and the baseline the benchmarks compare with. Pointers are byte offsets,
// so a float at byte p is F[p / 4].
import type { Kernels } from '../kernels.js';
import { bordered } from '../layers/conv2d.js';
import { runInTurn, type Backend, type BackendName, type TaskBody, type Tensor } from './backend.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
/** Leaky relu's slope below 0, as every kernel uses it (assembly/activation.ts) and the exports write it. */
export const LEAKY_SLOPE = Math.fround(0.01);

/** Dropout's keep test for counter i: MurmurHash3's finaliser of i·0x9E3779B1 ⊕ seed, against the threshold (unsigned). */
function keep(i: number, seed: number, threshold: number): boolean {
  let h = Math.imul(i, 0x9e3779b1) ^ seed;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0 >= threshold >>> 0;
}

/** Kernels over `buffer`: F is its f32 view, I its i32 view, U its bytes. */
function referenceKernels(buffer: ArrayBuffer): Kernels {
  const F = new Float32Array(buffer), I = new Int32Array(buffer), U = new Uint8Array(buffer);
  /** a = f(z) over n floats. */
  const map = (f: (z: number) => number) => (z: number, a: number, n: number) => {
    const Z = z / 4, A = a / 4;
    for (let i = 0; i < n; i++) F[A + i] = f(F[Z + i]);
  };
  /** δ ⊙= f'(a) over n floats, f' written in terms of a = f(z). */
  const scaleBy = (df: (a: number) => number) => (a: number, delta: number, n: number) => {
    const A = a / 4, D = delta / 4;
    for (let i = 0; i < n; i++) F[D + i] *= df(F[A + i]);
  };
  /**
   * ∇w[j, k] = Σ val·δ[row, j] over input k's entries of a batch listed by columns, for inputs
   * 0 … inputs − 1 (from starts), into `into` at k·perInput + j·perOutput floats.
   */
  const listedGradient = (starts: number, rowOf: number, valOf: number, dy: number, inputs: number, nOut: number, ldDelta: number, into: number, perInput: number, perOutput: number) => {
    const S = starts / 4, R = rowOf / 4, W = valOf / 4, D = dy / 4, G = into / 4;
    for (let k = 0; k < inputs; k++) {
      for (let j = 0; j < nOut; j++) {
        let s = 0;
        for (let e = I[S + k]; e < I[S + k + 1]; e++) s += F[W + e] * F[D + I[R + e] * ldDelta + j];
        F[G + k * perInput + j * perOutput] = s;
      }
    }
  };
  /** out[j] = Σ_r m[r, j] over n columns of m [rows × ld]: ∇b = Σ δ. */
  const columnSums = (m: number, out: number, rows: number, n: number, ld: number) => {
    const M = m / 4, O = out / 4;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += F[M + r * ld + j];
      F[O + j] = s;
    }
  };
  const denseBackwardWeights: Kernels['dense_backward_weights'] = (dy, x, gw, gb, batch, nIn, nOut, ldDelta) => {
    const D = dy / 4, X = x / 4, GW = gw / 4;
    for (let j = 0; j < nOut; j++) {
      for (let k = 0; k < nIn; k++) {
        let s = 0;
        for (let r = 0; r < batch; r++) s += F[D + r * ldDelta + j] * F[X + r * nIn + k];
        F[GW + j * nIn + k] = s;
      }
    }
    columnSums(dy, gb, batch, nOut, ldDelta);
  };
  const sgd: Kernels['sgd'] = (w, g, n, scale) => {
    const W = w / 4, G = g / 4;
    for (let i = 0; i < n; i++) F[W + i] -= scale * F[G + i];
  };
  const momentum: Kernels['momentum'] = (w, g, v, n, scale, mu) => {
    const W = w / 4, G = g / 4, V = v / 4;
    for (let i = 0; i < n; i++) {
      F[V + i] = mu * F[V + i] - scale * F[G + i];
      F[W + i] += F[V + i];
    }
  };
  return {
    scale_bytes(src, dst, n, srcLd, dstLd, rows, scale) {
      const D = dst / 4;
      for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) F[D + r * dstLd + i] = U[src + r * srcLd + i] * scale;
    },
    count_nonzero_bytes(src, n, ld, counts, rows) {
      const C = counts / 4;
      for (let r = 0; r < rows; r++) {
        let count = 0;
        for (let k = 0; k < n; k++) if (U[src + r * ld + k] !== 0) count++;
        I[C + r] = count;
      }
    },
    dense_forward(x, w, b, y, batch, nIn, nOut) {
      const X = x / 4, W = w / 4, B = b / 4, Y = y / 4;
      for (let r = 0; r < batch; r++) {
        for (let j = 0; j < nOut; j++) {
          let s = 0;
          for (let k = 0; k < nIn; k++) s += F[W + j * nIn + k] * F[X + r * nIn + k];
          F[Y + r * nOut + j] = s + F[B + j];
        }
      }
    },
    dense_backward_data(dy, w, dx, batch, nIn, nOut) {
      const D = dy / 4, W = w / 4, O = dx / 4;
      for (let r = 0; r < batch; r++) {
        for (let k = 0; k < nIn; k++) {
          let s = 0;
          for (let j = 0; j < nOut; j++) s += F[W + j * nIn + k] * F[D + r * nOut + j];
          F[O + r * nIn + k] = s;
        }
      }
    },
    count_nonzeros(x, n, ldX, counts, rows) {
      const X = x / 4, C = counts / 4;
      for (let r = 0; r < rows; r++) {
        let count = 0;
        for (let k = 0; k < n; k++) if (F[X + r * ldX + k] !== 0) count++;
        I[C + r] = count;
      }
    },
    sparse_rows(x, n, ldX, offsets, idx, val, rows) {
      const X = x / 4, O = offsets / 4, K = idx / 4, V = val / 4;
      for (let r = 0; r < rows; r++) {
        let e = I[O + r];
        for (let k = 0; k < n; k++) {
          const v = F[X + r * ldX + k];
          if (v === 0) continue;
          I[K + e] = k;
          F[V + e++] = v;
        }
      }
    },
    transpose(src, dst, rows, cols, ldDst) {
      const S = src / 4, D = dst / 4;
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) F[D + c * ldDst + r] = F[S + r * cols + c];
    },
    sparse_forward(offsets, idx, val, wt, b, z, batch, nOut) {
      const O = offsets / 4, K = idx / 4, V = val / 4, W = wt / 4, B = b / 4, Z = z / 4;
      for (let r = 0; r < batch; r++) {
        for (let j = 0; j < nOut; j++) {
          let s = b === 0 ? 0 : F[B + j];
          for (let e = I[O + r]; e < I[O + r + 1]; e++) s += F[V + e] * F[W + I[K + e] * nOut + j];
          F[Z + r * nOut + j] = s;
        }
      }
    },
    sparse_columns(offsets, idx, val, batch, nIn, starts, rowOf, valOf) {
      // A counting sort: count each input's entries, start each column after those before it,
      // place the entries in row order with starts[k] counting up as column k fills (it ends
      // where column k + 1 begins), then move the starts back one place.
      const O = offsets / 4, K = idx / 4, V = val / 4, S = starts / 4, R = rowOf / 4, W = valOf / 4;
      I.fill(0, S, S + nIn + 1);
      for (let e = 0; e < I[O + batch]; e++) I[S + I[K + e] + 1]++;
      for (let k = 0; k < nIn; k++) I[S + k + 1] += I[S + k];
      for (let r = 0; r < batch; r++) {
        for (let e = I[O + r]; e < I[O + r + 1]; e++) {
          const place = I[S + I[K + e]]++;
          I[R + place] = r;
          F[W + place] = F[V + e];
        }
      }
      I.copyWithin(S + 1, S, S + nIn);
      I[S] = 0;
    },
    sparse_weight_gradient: (starts, rowOf, valOf, dy, gw, _acc, inputs, nIn, nOut, ldDelta) => listedGradient(starts, rowOf, valOf, dy, inputs, nOut, ldDelta, gw, 1, nIn),
    // ∇wᵀ in acc (∇w's memory), then the optimizer's own kernel over wᵀ's rows.
    sparse_sgd(starts, rowOf, valOf, dy, wt, acc, inputs, nOut, ldDelta, scale) {
      listedGradient(starts, rowOf, valOf, dy, inputs, nOut, ldDelta, acc, nOut, 1);
      sgd(wt, acc, inputs * nOut, scale);
    },
    sparse_momentum(starts, rowOf, valOf, dy, wt, vt, acc, inputs, nOut, ldDelta, scale, mu) {
      listedGradient(starts, rowOf, valOf, dy, inputs, nOut, ldDelta, acc, nOut, 1);
      momentum(wt, acc, vt, inputs * nOut, scale, mu);
    },
    column_sums: columnSums,
    dense_backward_weights: denseBackwardWeights,
    dense_backward_sgd(dy, x, w, gw, gb, batch, nIn, nOut, ldDelta, scale) {
      denseBackwardWeights(dy, x, gw, gb, batch, nIn, nOut, ldDelta);
      sgd(w, gw, nOut * nIn, scale);
    },
    sigmoid_forward: map(sigmoid),
    sigmoid_backward: scaleBy((a) => a * (1 - a)),
    relu_forward: map((z) => (z > 0 ? z : 0)),
    relu_backward: scaleBy((a) => (a > 0 ? 1 : 0)),
    leaky_relu_forward: map((z) => (z > 0 ? z : Math.fround(z * LEAKY_SLOPE))),
    leaky_relu_backward: scaleBy((a) => (a > 0 ? 1 : LEAKY_SLOPE)),
    tanh_forward: map(Math.tanh),
    copy_floats(z, a, n) {
      F.copyWithin(a / 4, z / 4, z / 4 + n);
    },
    dropout_forward(x, y, n, threshold, scale, seed, offset) {
      const X = x / 4, Y = y / 4;
      for (let i = 0; i < n; i++) F[Y + i] = keep(offset + i, seed, threshold) ? F[X + i] * scale : 0;
    },
    dropout_backward(delta, n, threshold, scale, seed, offset) {
      const D = delta / 4;
      for (let i = 0; i < n; i++) F[D + i] = keep(offset + i, seed, threshold) ? F[D + i] * scale : 0;
    },
    tanh_backward: scaleBy((a) => 1 - a * a),
    softmax_forward(z, a, batch, n) {
      for (let r = 0; r < batch; r++) {
        const Z = z / 4 + r * n, A = a / 4 + r * n;
        let max = -Infinity;
        for (let j = 0; j < n; j++) max = Math.max(max, F[Z + j]);
        let sum = 0;
        for (let j = 0; j < n; j++) sum += Math.exp(F[Z + j] - max);
        for (let j = 0; j < n; j++) F[A + j] = Math.exp(F[Z + j] - max) / sum;
      }
    },
    output_error(a, y, delta, n) {
      const A = a / 4, Y = y / 4, D = delta / 4;
      for (let i = 0; i < n; i++) F[D + i] = F[A + i] - F[Y + i];
    },
    sum_squared_error(a, y, n) {
      const A = a / 4, Y = y / 4;
      let s = 0;
      for (let i = 0; i < n; i++) s += (F[A + i] - F[Y + i]) ** 2;
      return s;
    },
    cross_entropy(a, y, n) {
      const A = a / 4, Y = y / 4;
      let s = 0;
      for (let i = 0; i < n; i++) if (F[Y + i] !== 0) s -= F[Y + i] * Math.log(Math.max(F[A + i], 1e-30));
      return s;
    },
    binary_cross_entropy(a, y, n) {
      const A = a / 4, Y = y / 4;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const ai = Math.min(Math.max(F[A + i], 1e-7), 1 - 1e-7), yi = F[Y + i];
        s -= yi * Math.log(ai) + (1 - yi) * Math.log(1 - ai);
      }
      return s;
    },
    sum_absolute_error(a, y, n) {
      const A = a / 4, Y = y / 4;
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.abs(F[A + i] - F[Y + i]);
      return s;
    },
    sign_error(a, y, delta, n) {
      const A = a / 4, Y = y / 4, D = delta / 4;
      for (let i = 0; i < n; i++) {
        const r = F[A + i] - F[Y + i];
        F[D + i] = r > 0 ? 1 : r < 0 ? -1 : 0;
      }
    },
    sum_huber_error(a, y, n) {
      const A = a / 4, Y = y / 4;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const r = Math.abs(F[A + i] - F[Y + i]);
        s += r <= 1 ? 0.5 * r * r : r - 0.5;
      }
      return s;
    },
    clipped_error(a, y, delta, n) {
      const A = a / 4, Y = y / 4, D = delta / 4;
      for (let i = 0; i < n; i++) F[D + i] = Math.min(Math.max(F[A + i] - F[Y + i], -1), 1);
    },
    sgd,
    momentum,
    adam(w, g, m, v, n, step, invBatch, beta1, beta2, eps, invC2, decay) {
      const W = w / 4, G = g / 4, M = m / 4, V = v / 4;
      for (let i = 0; i < n; i++) {
        const gi = F[G + i] * invBatch;
        F[M + i] = beta1 * F[M + i] + (1 - beta1) * gi;
        F[V + i] = beta2 * F[V + i] + (1 - beta2) * gi * gi;
        F[W + i] -= decay * F[W + i] + (step * F[M + i]) / (Math.sqrt(F[V + i] * invC2) + eps);
      }
    },
    add_scaled(g, w, n, s) {
      const G = g / 4, W = w / 4;
      for (let i = 0; i < n; i++) F[G + i] += s * F[W + i];
    },
    scale_floats(g, n, s) {
      const G = g / 4;
      for (let i = 0; i < n; i++) F[G + i] *= s;
    },
    sum_squares(g, n) {
      const G = g / 4;
      let s = 0;
      for (let i = 0; i < n; i++) s += F[G + i] * F[G + i];
      return s;
    },
    im2col(x, cols, rows, first, h, w, c, k, stride, pad, oh, ow) {
      const X = x / 4, C = cols / 4, patch = k * k * c;
      for (let p = 0; p < rows; p++) {
        const [b, oy, ox] = position(first + p, oh, ow);
        for (let ky = 0; ky < k; ky++) {
          for (let kx = 0; kx < k; kx++) {
            const iy = oy * stride + ky - pad, ix = ox * stride + kx - pad, inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
            for (let ci = 0; ci < c; ci++) F[C + p * patch + (ky * k + kx) * c + ci] = inside ? F[X + ((b * h + iy) * w + ix) * c + ci] : 0;
          }
        }
      }
    },
    col2im(dcols, dx, batch, h, w, c, k, stride, pad, oh, ow) {
      const D = dcols / 4, O = dx / 4, patch = k * k * c;
      F.fill(0, O, O + batch * h * w * c);
      for (let p = 0; p < batch * oh * ow; p++) {
        const [b, oy, ox] = position(p, oh, ow);
        for (let ky = 0; ky < k; ky++) {
          for (let kx = 0; kx < k; kx++) {
            const iy = oy * stride + ky - pad, ix = ox * stride + kx - pad;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            for (let ci = 0; ci < c; ci++) F[O + ((b * h + iy) * w + ix) * c + ci] += F[D + p * patch + (ky * k + kx) * c + ci];
          }
        }
      }
    },
    pad_images(x, xp, rows, first, h, w, c, k, stride, pad, oh, ow) {
      const X = x / 4, P = xp / 4, hp = bordered(oh, k, stride), wp = bordered(ow, k, stride);
      for (let b = first; b < first + rows; b++) {
        for (let py = 0; py < hp; py++) {
          for (let px = 0; px < wp; px++) {
            const iy = py - pad, ix = px - pad, inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
            for (let ci = 0; ci < c; ci++) F[P + ((b * hp + py) * wp + px) * c + ci] = inside ? F[X + ((b * h + iy) * w + ix) * c + ci] : 0;
          }
        }
      }
    },
    crop_images(xp, x, rows, first, h, w, c, k, stride, pad, oh, ow) {
      const P = xp / 4, X = x / 4, hp = bordered(oh, k, stride), wp = bordered(ow, k, stride);
      for (let b = first; b < first + rows; b++) {
        for (let iy = 0; iy < h; iy++) {
          for (let ix = 0; ix < w; ix++) {
            const py = iy + pad, px = ix + pad, inside = py < hp && px < wp;
            for (let ci = 0; ci < c; ci++) F[X + ((b * h + iy) * w + ix) * c + ci] = inside ? F[P + ((b * hp + py) * wp + px) * c + ci] : 0;
          }
        }
      }
    },
    pack_filters(w, wt, f, patch) {
      const W = w / 4, WT = wt / 4;
      for (let j = 0; j < f; j++) for (let t = 0; t < patch; t++) F[WT + packed(j, t, patch)] = F[W + j * patch + t];
    },
    direct_conv_forward(xp, wt, bias, y, rows, first, c, k, stride, oh, ow, f) {
      const P = xp / 4, WT = wt / 4, B = bias / 4, Y = y / 4, hp = bordered(oh, k, stride), wp = bordered(ow, k, stride), patch = k * k * c;
      for (let b = first; b < first + rows; b++) {
        for (let oy = 0; oy < oh; oy++) {
          for (let ox = 0; ox < ow; ox++) {
            for (let j = 0; j < f; j++) {
              let s = F[B + j];
              for (let ky = 0; ky < k; ky++) {
                for (let kx = 0; kx < k; kx++) {
                  for (let ci = 0; ci < c; ci++) s += F[P + ((b * hp + oy * stride + ky) * wp + ox * stride + kx) * c + ci] * F[WT + packed(j, (ky * k + kx) * c + ci, patch)];
                }
              }
              F[Y + ((b * oh + oy) * ow + ox) * f + j] = s;
            }
          }
        }
      }
    },
    direct_conv_backward_weights(xp, dy, gw, gb, batch, c, k, stride, oh, ow, f, ldDelta) {
      const P = xp / 4, D = dy / 4, GW = gw / 4, GB = gb / 4, hp = bordered(oh, k, stride), wp = bordered(ow, k, stride), patch = k * k * c;
      for (let j = 0; j < f; j++) {
        for (let ky = 0; ky < k; ky++) {
          for (let kx = 0; kx < k; kx++) {
            for (let ci = 0; ci < c; ci++) {
              let s = 0;
              for (let b = 0; b < batch; b++) {
                for (let oy = 0; oy < oh; oy++) {
                  for (let ox = 0; ox < ow; ox++) s += F[P + ((b * hp + oy * stride + ky) * wp + ox * stride + kx) * c + ci] * F[D + ((b * oh + oy) * ow + ox) * ldDelta + j];
                }
              }
              F[GW + j * patch + (ky * k + kx) * c + ci] = s;
            }
          }
        }
        let s = 0;
        for (let p = 0; p < batch * oh * ow; p++) s += F[D + p * ldDelta + j];
        F[GB + j] = s;
      }
    },
    direct_conv_backward_data(dy, w, dxp, rows, first, c, k, stride, oh, ow, f) {
      const D = dy / 4, W = w / 4, P = dxp / 4, hp = bordered(oh, k, stride), wp = bordered(ow, k, stride), patch = k * k * c;
      F.fill(0, P + first * hp * wp * c, P + (first + rows) * hp * wp * c);
      for (let b = first; b < first + rows; b++) {
        for (let oy = 0; oy < oh; oy++) {
          for (let ox = 0; ox < ow; ox++) {
            for (let ky = 0; ky < k; ky++) {
              for (let kx = 0; kx < k; kx++) {
                for (let ci = 0; ci < c; ci++) {
                  let s = 0;
                  for (let j = 0; j < f; j++) s += F[D + ((b * oh + oy) * ow + ox) * f + j] * F[W + j * patch + (ky * k + kx) * c + ci];
                  F[P + ((b * hp + oy * stride + ky) * wp + ox * stride + kx) * c + ci] += s;
                }
              }
            }
          }
        }
      }
    },
    maxpool_forward(x, y, argmax, rows, first, h, w, c, k, stride, oh, ow) {
      const X = x / 4, Y = y / 4, A = argmax / 4;
      for (let p = 0; p < rows; p++) {
        const [b, oy, ox] = position(first + p, oh, ow);
        for (let ci = 0; ci < c; ci++) {
          let best = -Infinity, index = 0;
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              const v = F[X + ((b * h + oy * stride + ky) * w + ox * stride + kx) * c + ci];
              if (v > best) [best, index] = [v, ky * k + kx];
            }
          }
          F[Y + p * c + ci] = best;
          F[A + p * c + ci] = index;
        }
      }
    },
    maxpool_backward(dy, argmax, dx, rows, first, h, w, c, k, stride, oh, ow) {
      const D = dy / 4, A = argmax / 4, O = dx / 4;
      for (let p = 0; p < rows; p++) {
        const [b, iy, ix] = position(first + p, h, w);
        for (let ci = 0; ci < c; ci++) F[O + p * c + ci] = 0;
        eachWindow(iy, ix, k, stride, oh, ow, (oy, ox, ky, kx) => {
          const at = ((b * oh + oy) * ow + ox) * c;
          for (let ci = 0; ci < c; ci++) if (F[A + at + ci] === ky * k + kx) F[O + p * c + ci] += F[D + at + ci];
        });
      }
    },
    avgpool_forward(x, y, rows, first, h, w, c, k, stride, oh, ow) {
      const X = x / 4, Y = y / 4, scale = Math.fround(1 / (k * k));
      for (let p = 0; p < rows; p++) {
        const [b, oy, ox] = position(first + p, oh, ow);
        for (let ci = 0; ci < c; ci++) {
          let s = 0;
          for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) s += F[X + ((b * h + oy * stride + ky) * w + ox * stride + kx) * c + ci];
          F[Y + p * c + ci] = s * scale;
        }
      }
    },
    avgpool_backward(dy, dx, rows, first, h, w, c, k, stride, oh, ow) {
      const D = dy / 4, O = dx / 4, scale = Math.fround(1 / (k * k));
      for (let p = 0; p < rows; p++) {
        const [b, iy, ix] = position(first + p, h, w);
        for (let ci = 0; ci < c; ci++) F[O + p * c + ci] = 0;
        eachWindow(iy, ix, k, stride, oh, ow, (oy, ox) => {
          const at = D + ((b * oh + oy) * ow + ox) * c;
          for (let ci = 0; ci < c; ci++) F[O + p * c + ci] += F[at + ci];
        });
        for (let ci = 0; ci < c; ci++) F[O + p * c + ci] *= scale;
      }
    },
    batchnorm_forward(x, y, params, stats, running, rows, c, first, count, eps, momentum, training) {
      const X = x / 4, Y = y / 4, P = params / 4, S = stats / 4, R = running / 4, f = Math.fround;
      for (let j = first; j < first + count; j++) {
        let mean: number, scale: number;
        if (training) {
          let s = 0, q = 0;
          for (let r = 0; r < rows; r++) s = f(s + F[X + r * c + j]);
          mean = f(s / rows);
          for (let r = 0; r < rows; r++) q = f(q + f(F[X + r * c + j] - mean) ** 2);
          const variance = f(q / rows);
          scale = f(1 / f(Math.sqrt(f(variance + eps))));
          [F[S + j], F[S + c + j]] = [mean, scale];
          F[R + j] = momentum * F[R + j] + (1 - momentum) * mean;
          F[R + c + j] = momentum * F[R + c + j] + (1 - momentum) * variance;
        } else {
          mean = F[R + j];
          scale = f(1 / f(Math.sqrt(f(F[R + c + j] + eps))));
        }
        for (let r = 0; r < rows; r++) F[Y + r * c + j] = F[P + j] * f(f(F[X + r * c + j] - mean) * scale) + F[P + c + j];
      }
    },
    batchnorm_backward(x, dy, dx, params, grads, stats, rows, c, first, count) {
      const X = x / 4, D = dy / 4, O = dx / 4, P = params / 4, G = grads / 4, S = stats / 4;
      for (let j = first; j < first + count; j++) {
        const mean = F[S + j], scale = F[S + c + j];
        const xhat = (r: number) => (F[X + r * c + j] - mean) * scale;
        let sumDy = 0, sumDyXhat = 0;
        for (let r = 0; r < rows; r++) {
          sumDy += F[D + r * c + j];
          sumDyXhat += F[D + r * c + j] * xhat(r);
        }
        [F[G + j], F[G + c + j]] = [sumDyXhat, sumDy];
        if (dx === 0) continue;
        const k = (F[P + j] * scale) / rows;
        for (let r = 0; r < rows; r++) F[O + r * c + j] = k * (rows * F[D + r * c + j] - sumDy - xhat(r) * sumDyXhat);
      }
    },
  };
}

/** The float index of filter j's tap t in filters packed by 8, [⌈f/8⌉ × patch × 8]: wt[g, t, l] = w[8g + l, t]. */
const packed = (j: number, t: number, patch: number) => (Math.floor(j / 8) * patch + t) * 8 + (j % 8);

/** Position q of a [batch × rows × cols] grid as [b, row, col]. */
function position(q: number, rows: number, cols: number): [number, number, number] {
  const rem = q % (rows * cols);
  return [Math.floor(q / (rows * cols)), Math.floor(rem / cols), rem % cols];
}

/**
 * Every k×k window of stride `stride` on an oh × ow grid of windows that covers the pixel
 * at (y, x) (padding already added): f(oy, ox, ky, kx) with oy·stride + ky = y.
 */
function eachWindow(y: number, x: number, k: number, stride: number, oh: number, ow: number, f: (oy: number, ox: number, ky: number, kx: number) => void): void {
  for (let ky = 0; ky < k; ky++) {
    const ty = y - ky;
    if (ty < 0 || ty % stride !== 0 || ty / stride >= oh) continue;
    for (let kx = 0; kx < k; kx++) {
      const tx = x - kx;
      if (tx < 0 || tx % stride !== 0 || tx / stride >= ow) continue;
      f(ty / stride, tx / stride, ky, kx);
    }
  }
}

export class JsBackend implements Backend {
  readonly name: BackendName = 'js';
  readonly kernels: string = 'js';
  readonly threads = 1;
  readonly ops: Kernels;
  private readonly buffer: ArrayBuffer;

  /** `tuned` gives kernels that replace the reference's, over the memory's f32 view and calling the reference's where they share a step (js-tuned.ts). */
  constructor(bytes: number, tuned: (F: Float32Array, reference: Kernels) => Partial<Kernels> = () => ({})) {
    this.buffer = new ArrayBuffer(bytes);
    const reference = referenceKernels(this.buffer);
    this.ops = { ...reference, ...tuned(new Float32Array(this.buffer), reference) };
  }

  tensor(ptr: number, length: number): Tensor {
    return { ptr, length, view: new Float32Array(this.buffer, ptr, length) };
  }

  bytes(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.buffer, ptr, length);
  }

  runTasks(tasks: number, body: TaskBody): void {
    runInTurn(this.ops, tasks, body);
  }
}
