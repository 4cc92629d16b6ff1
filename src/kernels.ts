// Every kernel of assembly/, described once: its arguments by name, in the order of the
// WebAssembly export, and how a call splits across threads. The JS reference backend
// implements the same names with the same arguments; the WASM backend turns each row into a
// call of the export, split by the rule given; the workers run the chunks it hands out.
//
// Pointers are byte offsets into the backend's memory; sizes count floats or rows.
// A split cuts the `rows` argument into chunks starting at multiples of `align` (the
// kernel's register blocking, so every row is computed exactly as on one thread); `work`
// is the work of one row (≈ flops), and `moves` gives, for each argument that walks with
// the rows (a pointer, or dropout's element counter), how far it advances per row (bytes,
// or elements). Both are products of constants and arguments.

/** A product of constants and arguments (by name). */
type Product = readonly (number | string)[];

interface KernelSpec {
  readonly args: readonly string[];
  readonly split?: { readonly rows: string; readonly align: number; readonly work: Product; readonly moves: Readonly<Record<string, Product>> };
  /** The kernel returns a number (a sum): it runs on the calling thread. */
  readonly returns?: 'f64';
}

/** Elementwise kernels over n floats: f(x, y, n). */
const elementwise = <const P extends readonly string[]>(work: number, ...pointers: P) => ({
  args: [...pointers, 'n'] as readonly [...P, 'n'],
  split: { rows: 'n', align: 4, work: [work], moves: Object.fromEntries(pointers.map((p) => [p, [4]])) as Record<string, Product> },
});

/**
 * The split of a kernel over grid positions (conv.ts): `rows` positions from position
 * `first`, each with work ~k·k·c; the output pointer moves a row at a time and `first` by one.
 */
const gridSplit = (moves: Record<string, Product>) => ({ rows: 'rows', align: 1, work: [1, 'k', 'k', 'c'], moves: { ...moves, first: [1] } } as const);

/** The split of a direct convolution kernel (conv-direct.ts) by whole images: `rows` images from image `first`, each with `work`. */
const imageSplit = (work: Product) => ({ rows: 'rows', align: 1, work, moves: { first: [1] } } as const);

/**
 * Non-zeros a listed row (an input column) is taken to hold when the work of a sparse product
 * is estimated (an MNIST image has ~150 of 784; a batch of 32 ~6 per input, of 128 ~24): the
 * estimate only decides whether a call is worth splitting.
 */
const LISTED_PER_ROW = 150, LISTED_PER_COLUMN = 6;

/**
 * The split of a fused listed update (sparse_sgd, sparse_momentum) by inputs, 16 at a time, as
 * sparse_weight_gradient's: each thread updates whole rows of wt, of its optimizer's `state`
 * (in wᵀ's layout too) and of acc.
 */
const listedUpdateSplit = (...state: string[]) => ({
  rows: 'inputs', align: 16, work: [2, 'nOut', LISTED_PER_COLUMN],
  moves: { starts: [4], wt: [4, 'nOut'], acc: [4, 'nOut'], ...Object.fromEntries(state.map((a) => [a, [4, 'nOut']])) },
});

export const KERNELS = {
  /** dst = scale·src: `rows` rows of n bytes (pixels) into rows of n floats, src's rows srcLd bytes apart and dst's dstLd floats. */
  scale_bytes: { args: ['src', 'dst', 'n', 'srcLd', 'dstLd', 'rows', 'scale'], split: { rows: 'rows', align: 1, work: [1, 'n'], moves: { src: [1, 'srcLd'], dst: [4, 'dstLd'] } } },
  /** counts[r] = the non-zero bytes of row r of src [rows × n], its rows ld bytes apart (counts: i32): count_nonzeros of what scale_bytes makes of them. */
  count_nonzero_bytes: { args: ['src', 'n', 'ld', 'counts', 'rows'], split: { rows: 'rows', align: 1, work: [1, 'n'], moves: { src: [1, 'ld'], counts: [4] } } },
  /** y = x·wᵀ + b: x [batch × nIn], w [nOut × nIn], b [nOut], y [batch × nOut]. */
  dense_forward: {
    args: ['x', 'w', 'b', 'y', 'batch', 'nIn', 'nOut'],
    split: { rows: 'batch', align: 2, work: [2, 'nIn', 'nOut'], moves: { x: [4, 'nIn'], y: [4, 'nOut'] } },
  },
  /** dx = dy·w: dy [batch × nOut], w [nOut × nIn], dx [batch × nIn]. */
  dense_backward_data: {
    args: ['dy', 'w', 'dx', 'batch', 'nIn', 'nOut'],
    split: { rows: 'batch', align: 4, work: [2, 'nIn', 'nOut'], moves: { dy: [4, 'nOut'], dx: [4, 'nIn'] } },
  },
  /**
   * ∇w = dyᵀ·x, ∇b = Σ_batch dy: dy [batch × ldDelta] (its first nOut columns), x [batch × nIn],
   * gw [nOut × nIn], gb [nOut]. Split by output rows, so dy's columns move and its stride stays.
   */
  dense_backward_weights: {
    args: ['dy', 'x', 'gw', 'gb', 'batch', 'nIn', 'nOut', 'ldDelta'],
    split: { rows: 'nOut', align: 4, work: [2, 'batch', 'nIn'], moves: { dy: [4], gw: [4, 'nIn'], gb: [4] } },
  },
  /**
   * dense_backward_weights fused with SGD: w [nOut × nIn] −= scale·∇w as ∇w is summed (gw, where
   * a batch is longer than a tile, sums it first), ∇b into gb. Split as dense_backward_weights.
   */
  dense_backward_sgd: {
    args: ['dy', 'x', 'w', 'gw', 'gb', 'batch', 'nIn', 'nOut', 'ldDelta', 'scale'],
    split: { rows: 'nOut', align: 4, work: [2, 'batch', 'nIn'], moves: { dy: [4], w: [4, 'nIn'], gw: [4, 'nIn'], gb: [4] } },
  },
  /** counts[r] = the non-zeros of row r of x [rows × n], its rows ldX floats apart (counts: i32), as sparse_rows will list them. */
  count_nonzeros: { args: ['x', 'n', 'ldX', 'counts', 'rows'], split: { rows: 'rows', align: 1, work: [1, 'n'], moves: { x: [4, 'ldX'], counts: [4] } } },
  /**
   * The non-zeros of x [rows × n], its rows ldX floats apart, row by row (assembly/sparse.ts): row r's into entries
   * offsets[r] … offsets[r + 1] − 1 of idx and val, offsets [rows + 1] laid out from
   * count_nonzeros. About four operations a float.
   */
  sparse_rows: { args: ['x', 'n', 'ldX', 'offsets', 'idx', 'val', 'rows'], split: { rows: 'rows', align: 1, work: [4, 'n'], moves: { x: [4, 'ldX'], offsets: [4] } } },
  /**
   * dst [cols × rows, its rows ldDst floats apart] = srcᵀ, src [rows × cols]. Memory-bound: not
   * split (split by columns, 784×100 took 27 µs on one thread and on two).
   */
  transpose: { args: ['src', 'dst', 'rows', 'cols', 'ldDst'] },
  /** y = x·wᵀ + b over a listed batch: wt = wᵀ [nIn × nOut], y [batch × nOut]; b = 0: no bias (y = x·wᵀ). */
  sparse_forward: {
    args: ['offsets', 'idx', 'val', 'wt', 'b', 'y', 'batch', 'nOut'],
    split: { rows: 'batch', align: 1, work: [2, 'nOut', LISTED_PER_ROW], moves: { offsets: [4], y: [4, 'nOut'] } },
  },
  /** The listed batch by columns: input k's entries are starts[k] … starts[k + 1] − 1 of rowOf (rows) and valOf (values); starts [nIn + 1]. */
  sparse_columns: { args: ['offsets', 'idx', 'val', 'batch', 'nIn', 'starts', 'rowOf', 'valOf'] },
  /**
   * ∇w [nOut × nIn] = dyᵀ·x over a batch listed by columns, for `inputs` inputs: starts, gw
   * and acc point at the first one's start, column of ∇w and row of a scratch [nIn × nOut]; dy
   * [batch × ldDelta]. Split by inputs, 16 at a time: threads write different cache lines of
   * each row of ∇w, and whole blocks of the kernel's GRADIENT_BLOCK.
   */
  sparse_weight_gradient: {
    args: ['starts', 'rowOf', 'valOf', 'dy', 'gw', 'acc', 'inputs', 'nIn', 'nOut', 'ldDelta'],
    split: { rows: 'inputs', align: 16, work: [2, 'nOut', LISTED_PER_COLUMN], moves: { starts: [4], gw: [4], acc: [4, 'nOut'] } },
  },
  /**
   * sparse_weight_gradient fused with the update sgd would then make, in wᵀ's layout: wt [nIn × nOut]
   * −= scale·∇wᵀ for `inputs` inputs (starts, wt and acc at the first), acc [nIn × nOut] a scratch
   * (∇w's memory).
   */
  sparse_sgd: {
    args: ['starts', 'rowOf', 'valOf', 'dy', 'wt', 'acc', 'inputs', 'nOut', 'ldDelta', 'scale'],
    split: listedUpdateSplit(),
  },
  /** The same for momentum μ: vt = μ·vt − scale·∇wᵀ; wt += vt, vt [nIn × nOut] the velocity in wᵀ's layout. */
  sparse_momentum: {
    args: ['starts', 'rowOf', 'valOf', 'dy', 'wt', 'vt', 'acc', 'inputs', 'nOut', 'ldDelta', 'scale', 'mu'],
    split: listedUpdateSplit('vt'),
  },
  /** out[j] = Σ_r m[r, j] over n columns of m [rows × ld]: ∇b = Σ δ. */
  column_sums: { args: ['m', 'out', 'rows', 'n', 'ld'] },
  /** a = σ(z) over n floats, and δ ⊙= σ'(z) written in terms of a, per activation. */
  sigmoid_forward: elementwise(20, 'z', 'a'),
  sigmoid_backward: elementwise(3, 'a', 'delta'),
  relu_forward: elementwise(20, 'z', 'a'),
  relu_backward: elementwise(3, 'a', 'delta'),
  leaky_relu_forward: elementwise(20, 'z', 'a'),
  leaky_relu_backward: elementwise(3, 'a', 'delta'),
  tanh_forward: elementwise(20, 'z', 'a'),
  tanh_backward: elementwise(3, 'a', 'delta'),
  /** a = z (the identity's forward; its backward is nothing). */
  copy_floats: elementwise(1, 'z', 'a'),
  /**
   * Inverted dropout: y = keep ⊙ x·scale, keep(i) = fmix32((offset + i)·0x9E3779B1 ⊕ seed) ≥ threshold
   * (unsigned), threshold = rate·2³², scale = 1 / (1 − rate); backward scales δ by the same mask in place.
   * The counter `offset` moves with the rows, so every thread draws the mask of its own elements.
   */
  dropout_forward: {
    args: ['x', 'y', 'n', 'threshold', 'scale', 'seed', 'offset'],
    split: { rows: 'n', align: 4, work: [12], moves: { x: [4], y: [4], offset: [1] } },
  },
  dropout_backward: {
    args: ['delta', 'n', 'threshold', 'scale', 'seed', 'offset'],
    split: { rows: 'n', align: 4, work: [12], moves: { delta: [4], offset: [1] } },
  },
  /** a = softmax(z) per row: z, a [batch × n]. */
  softmax_forward: { args: ['z', 'a', 'batch', 'n'], split: { rows: 'batch', align: 1, work: [30, 'n'], moves: { z: [4, 'n'], a: [4, 'n'] } } },
  /** δ = a − y over n floats. */
  output_error: elementwise(1, 'a', 'y', 'delta'),
  /** Σ (a − y)² over n floats. */
  sum_squared_error: { args: ['a', 'y', 'n'], returns: 'f64' },
  /** −Σ y·ln a over n floats (a floored at 1e-30). */
  cross_entropy: { args: ['a', 'y', 'n'], returns: 'f64' },
  /** −Σ [y·ln a + (1 − y)·ln(1 − a)] over n floats, a clamped to [1e-7, 1 − 1e-7]. */
  binary_cross_entropy: { args: ['a', 'y', 'n'], returns: 'f64' },
  /** Σ |a − y| over n floats. */
  sum_absolute_error: { args: ['a', 'y', 'n'], returns: 'f64' },
  /** δ = sign(a − y) (0 where a = y). */
  sign_error: elementwise(2, 'a', 'y', 'delta'),
  /** Σ Huber(a − y) over n floats: ½r² for |r| ≤ 1, |r| − ½ beyond. */
  sum_huber_error: { args: ['a', 'y', 'n'], returns: 'f64' },
  /** δ = clamp(a − y, −1, 1). */
  clipped_error: elementwise(3, 'a', 'y', 'delta'),
  /** w −= scale·g over n floats. */
  sgd: { args: ['w', 'g', 'n', 'scale'], split: { rows: 'n', align: 4, work: [2], moves: { w: [4], g: [4] } } },
  /** v = μ·v − scale·g; w += v. */
  momentum: { args: ['w', 'g', 'v', 'n', 'scale', 'mu'], split: { rows: 'n', align: 4, work: [4], moves: { w: [4], g: [4], v: [4] } } },
  /**
   * Adam on ĝ = g·invBatch, with AdamW's decoupled decay: w −= decay·w + step·m / (√(v·invC2) + ε);
   * step = η / (1 − β1^t), invC2 = 1 / (1 − β2^t), decay = η·λ (0 for Adam).
   */
  adam: {
    args: ['w', 'g', 'm', 'v', 'n', 'step', 'invBatch', 'beta1', 'beta2', 'eps', 'invC2', 'decay'],
    split: { rows: 'n', align: 4, work: [14], moves: { w: [4], g: [4], m: [4], v: [4] } },
  },
  /** g += s·w over n floats (L2 weight decay). */
  add_scaled: { args: ['g', 'w', 'n', 's'], split: { rows: 'n', align: 4, work: [2], moves: { g: [4], w: [4] } } },
  /** g ·= s over n floats, in place (gradient clipping). */
  scale_floats: { args: ['g', 'n', 's'], split: { rows: 'n', align: 4, work: [1], moves: { g: [4] } } },
  /**
   * Σ g² over n floats, in f64. No split rule: a sum cut across threads would add its parts
   * in another order, and the norm (so the clipped weights) would depend on the thread count.
   */
  sum_squares: { args: ['g', 'n'], returns: 'f64' },
  /**
   * Patch rows of a k×k convolution of NHWC images: x [batch × h × w × c] into cols
   * [batch·oh·ow × k·k·c], rows output positions from `first` (assembly/conv.ts).
   */
  im2col: { args: ['x', 'cols', 'rows', 'first', 'h', 'w', 'c', 'k', 'stride', 'pad', 'oh', 'ow'], split: gridSplit({ cols: [4, 'k', 'k', 'c'] }) },
  /** im2col's gradient: dx [batch × h × w × c] from dcols, whole images (split by image, so every pixel adds in one order). */
  col2im: {
    args: ['dcols', 'dx', 'batch', 'h', 'w', 'c', 'k', 'stride', 'pad', 'oh', 'ow'],
    split: { rows: 'batch', align: 1, work: [1, 'oh', 'ow', 'k', 'k', 'c'], moves: { dcols: [4, 'oh', 'ow', 'k', 'k', 'c'], dx: [4, 'h', 'w', 'c'] } },
  },
  /**
   * Direct convolution (assembly/conv-direct.ts) reads the bordered batch xp [batch × hp × wp × c],
   * hp = (oh − 1)·s + k, wp = (ow − 1)·s + k: x with `pad` zeros before each axis, cut to what
   * the windows read. pad_images writes it for images first … first + rows − 1; crop_images
   * is its inverse (dx from the bordered dxp).
   */
  pad_images: { args: ['x', 'xp', 'rows', 'first', 'h', 'w', 'c', 'k', 'stride', 'pad', 'oh', 'ow'], split: imageSplit([1, 'h', 'w', 'c']) },
  crop_images: { args: ['xp', 'x', 'rows', 'first', 'h', 'w', 'c', 'k', 'stride', 'pad', 'oh', 'ow'], split: imageSplit([1, 'h', 'w', 'c']) },
  /** wt [⌈f/8⌉ × patch × 8] = w [f × patch] in groups of 8 filters, each tap's 8 values side by side. Small: not split. */
  pack_filters: { args: ['w', 'wt', 'f', 'patch'] },
  /** y [batch × oh × ow × f] = the windows of xp · the packed wt + b, images first … first + rows − 1. */
  direct_conv_forward: { args: ['xp', 'wt', 'b', 'y', 'rows', 'first', 'c', 'k', 'stride', 'oh', 'ow', 'f'], split: imageSplit([2, 'oh', 'ow', 'k', 'k', 'c', 'f']) },
  /**
   * ∇w = gw [f × k·k·c] = Σ the windows of xp ⊗ dy, ∇b = gb [f] = Σ dy: dy [batch × oh × ow × ldDelta]
   * (its first f columns). Split by filters, in groups of 8 (the kernel's blocking), so dy's columns move and its stride stays.
   */
  direct_conv_backward_weights: {
    args: ['xp', 'dy', 'gw', 'gb', 'batch', 'c', 'k', 'stride', 'oh', 'ow', 'f', 'ldDelta'],
    split: { rows: 'f', align: 8, work: [2, 'batch', 'oh', 'ow', 'k', 'k', 'c'], moves: { dy: [4], gw: [4, 'k', 'k', 'c'], gb: [4] } },
  },
  /** The bordered dxp = Σ over each output pixel's window of dy·w, w [f × k·k·c], images first … first + rows − 1; crop_images gives dx. */
  direct_conv_backward_data: { args: ['dy', 'w', 'dxp', 'rows', 'first', 'c', 'k', 'stride', 'oh', 'ow', 'f'], split: imageSplit([2, 'oh', 'ow', 'k', 'k', 'c', 'f']) },
  /** y = the max of each k×k window (stride s, no padding), and which input it was: argmax [batch × oh × ow × c]. */
  maxpool_forward: { args: ['x', 'y', 'argmax', 'rows', 'first', 'h', 'w', 'c', 'k', 'stride', 'oh', 'ow'], split: gridSplit({ y: [4, 'c'], argmax: [4, 'c'] }) },
  maxpool_backward: { args: ['dy', 'argmax', 'dx', 'rows', 'first', 'h', 'w', 'c', 'k', 'stride', 'oh', 'ow'], split: gridSplit({ dx: [4, 'c'] }) },
  /** y = the mean of each k×k window (stride s, no padding). */
  avgpool_forward: { args: ['x', 'y', 'rows', 'first', 'h', 'w', 'c', 'k', 'stride', 'oh', 'ow'], split: gridSplit({ y: [4, 'c'] }) },
  avgpool_backward: { args: ['dy', 'dx', 'rows', 'first', 'h', 'w', 'c', 'k', 'stride', 'oh', 'ow'], split: gridSplit({ dx: [4, 'c'] }) },
  /**
   * Batch normalisation of `rows` rows of c channels (assembly/batchnorm.ts), channels first
   * … first + count − 1: params [γ | β], stats [μ | 1/σ] of the last training batch, running
   * [μ | σ²]; training 1 or 0. Split by channels: each channel's sums run down its rows alone.
   */
  batchnorm_forward: {
    args: ['x', 'y', 'params', 'stats', 'running', 'rows', 'c', 'first', 'count', 'eps', 'momentum', 'training'],
    split: { rows: 'count', align: 4, work: [10, 'rows'], moves: { first: [1] } },
  },
  /** ∇γ, ∇β into grads [γ | β], and dx (skipped when dx is 0), for channels first … first + count − 1. */
  batchnorm_backward: {
    args: ['x', 'dy', 'dx', 'params', 'grads', 'stats', 'rows', 'c', 'first', 'count'],
    split: { rows: 'count', align: 4, work: [10, 'rows'], moves: { first: [1] } },
  },
} as const satisfies Record<string, KernelSpec>;

export type KernelName = keyof typeof KERNELS;
/** Kernel names in table order: a kernel's op number, the same on every thread. */
export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];

type Numbers<A extends readonly string[]> = { -readonly [I in keyof A]: number };
/** What a backend provides: every kernel of the table, called with its arguments in order. */
export type Kernels = {
  readonly [K in KernelName]: (...args: Numbers<(typeof KERNELS)[K]['args']>) => (typeof KERNELS)[K] extends { returns: 'f64' } ? number : void;
};

/** A split rule with argument names turned into indices, for the dispatcher's hot path. */
export interface CompiledSplit {
  rowsArg: number;
  align: number;
  /** work = constant · Π args[indices]. */
  work: { constant: number; indices: number[] };
  /** Per moving pointer: its argument and its bytes per row. */
  moves: { arg: number; constant: number; indices: number[] }[];
}

function compileProduct(args: readonly string[], product: Product, kernel: string) {
  let constant = 1;
  const indices: number[] = [];
  for (const f of product) {
    if (typeof f === 'number') constant *= f;
    else {
      const i = args.indexOf(f);
      if (i < 0) throw new Error(`kernel table: ${kernel} has no argument ${f}`);
      indices.push(i);
    }
  }
  return { constant, indices };
}

/** Moving arguments a split call can carry (SplitCall.pointers holds this many pairs). */
export const MAX_MOVES = 4;

/** The split rule of each kernel by op number, null for those that run on one thread; a typo in the table is an error at load. */
export const SPLITS: (CompiledSplit | null)[] = KERNEL_NAMES.map((name) => {
  const spec: KernelSpec = KERNELS[name];
  if (!spec.split) return null;
  const { rows, align, work, moves } = spec.split;
  const argument = (a: string) => {
    const i = spec.args.indexOf(a);
    if (i < 0) throw new Error(`kernel table: ${name} has no argument ${a}`);
    return i;
  };
  if (Object.keys(moves).length > MAX_MOVES) throw new Error(`kernel table: ${name} moves more than ${MAX_MOVES} arguments`);
  return {
    rowsArg: argument(rows),
    align,
    work: compileProduct(spec.args, work, name),
    moves: Object.entries(moves).map(([arg, bytes]) => ({ arg: argument(arg), ...compileProduct(spec.args, bytes, name) })),
  };
});

/** constant · Π args[indices]. */
export function evaluateProduct(p: { constant: number; indices: number[] }, args: Float64Array): number {
  let v = p.constant;
  for (let i = 0; i < p.indices.length; i++) v *= args[p.indices[i]];
  return v;
}
