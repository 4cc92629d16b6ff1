// Moving samples of a data set into a network's memory. Inputs: the uint8 pixels of each
// image copied (a memcpy per row) into the network's input bytes and scaled to [0, 1] there
// by one kernel call (or by the forward pass after, forwardBatch), or the float features of
// each row copied into its input; then the network's normalisation. Targets: class labels
// one-hot, or target vectors copied.
import { inputWidth, sourceOf, type DataSplits, type Dataset } from './data/dataset.js';
import { LOSS_KINDS } from './losses/loss.js';
import { PIXEL_SCALE, type Network } from './network.js';
import { float32Fault, isFiniteFloat32 } from './decimal.js';
import { shown } from './shown.js';
import { normalized, overflowText, type Normalization } from './normalization.js';

const rowCache = new WeakMap<ArrayBufferView, ArrayBufferView[]>();

/**
 * One view per row of `array` [count × width], made once and kept while the array lives:
 * copying a row is then one memcpy (TypedArray.set) with no view made per batch.
 */
function rows<T extends Uint8Array | Float32Array>(array: T, count: number, width: number): T[] {
  let views = rowCache.get(array);
  if (!views) {
    views = Array.from({ length: count }, (_, i) => array.subarray(i * width, (i + 1) * width));
    rowCache.set(array, views);
  }
  return views as T[];
}

const staging = new WeakMap<ArrayBufferView, Uint8Array | Float32Array>();

/**
 * Where a batch's rows are gathered before they go to `into`: `into` itself, or, where it
 * lies in shared memory (a network with threads), an unshared copy of its size. V8 copies
 * into shared memory by a slower path with a cost per call, so 32 rows set one by one took
 * 14.7 µs and the same rows gathered unshared, then set at once, 8.9 µs.
 */
function stagingFor<T extends Uint8Array | Float32Array>(into: T): T {
  if (typeof SharedArrayBuffer === 'undefined' || !(into.buffer instanceof SharedArrayBuffer)) return into;
  let copy = staging.get(into);
  if (!copy) {
    copy = new (into.constructor as new (n: number) => T)(into.length);
    staging.set(into, copy);
  }
  return copy as T;
}

/** Feeds a load of the first element of every row gathered: it must have a use, or the compiler drops it. */
let touched = 0;

/** Reads the first element of rows order[start] … order[start + batch − 1] of `array` [× width]. */
function touchRows(array: ArrayLike<number>, order: Uint32Array, start: number, batch: number, width: number): void {
  for (let r = 0; r < batch; r++) touched ^= array[order[start + r] * width];
}

/**
 * Rows narrower than this are copied value by value, wider ones by a view each (rows()): a
 * view costs about 100 bytes of heap, which for rows of a few features outweighs the data
 * (a table of a million rows of 9 features: 160 MB of views for 36 MB of floats).
 */
const VIEW_MIN_WIDTH = 64;

/** A batch of rows gathered ahead into a staging copy (batchPrefetcher): which rows it holds. */
interface GatheredAhead {
  array: ArrayBufferView;
  order: Uint32Array;
  start: number;
  batch: number;
}

/** The batch each staging copy holds, gathered ahead; gone once a load takes it (or gathers other rows). */
const gatheredAhead = new WeakMap<ArrayBufferView, GatheredAhead>();

/**
 * Rows order[start], order[start + 1], … of `array` [count × width] as the first `batch`
 * rows of `gathered` [× width]. Each row's first element is read before any row is copied:
 * rows drawn at random from a data set of tens of MB each start with a TLB miss and a cache
 * miss, which these independent loads meet all at once, where each copy in turn would meet
 * its own alone (measured here, 32 random MNIST rows: 7.9–8.8 µs against 10.4–12.6).
 */
function gather<T extends Uint8Array | Float32Array>(gathered: T, array: T, count: number, order: Uint32Array, start: number, batch: number, width: number): void {
  touchRows(array, order, start, batch, width);
  if (width >= VIEW_MIN_WIDTH) {
    const views = rows(array, count, width);
    for (let r = 0; r < batch; r++) gathered.set(views[order[start + r]], r * width);
  } else {
    for (let r = 0; r < batch; r++) {
      const from = order[start + r] * width, to = r * width;
      for (let k = 0; k < width; k++) gathered[to + k] = array[from + k];
    }
  }
}

/**
 * Rows order[start], order[start + 1], … of `array` [count × width] as the first `batch`
 * rows of `into` [× width], by way of its staging copy, which may hold them already
 * (gathered ahead).
 */
function gatherRows<T extends Uint8Array | Float32Array>(into: T, array: T, count: number, order: Uint32Array, start: number, batch: number, width: number): void {
  const gathered = stagingFor(into), ahead = gatheredAhead.get(gathered);
  gatheredAhead.delete(gathered);
  const held = ahead !== undefined && ahead.array === array && ahead.order === order && ahead.start === start && ahead.batch === batch;
  if (!held) gather(gathered, array, count, order, start, batch, width);
  if (gathered !== into) into.set(gathered.subarray(0, batch * width));
}

/**
 * Loads `batch` samples — order[start], order[start + 1], … or, without an order,
 * start, start + 1, … — as the rows of net.inputBuffer (normalised) and net.targetBuffer.
 * `scaleLater`: images without a normalisation are left in net.inputBytes, and the scale
 * they need is returned, for forwardLoaded's inputScale (forwardBatch).
 */
export function loadBatch(net: Network, data: Dataset, order: Uint32Array | null, start: number, batch: number, scaleLater = false): number | undefined {
  const width = inputWidth(data), count = data.count;
  // Rows a prefetcher would gather ahead for this load are too late now: once loaded, its staging copy is read no more.
  net.whileWaiting(null);
  const into = 'images' in data ? net.inputBytes : net.inputBuffer;
  const from = 'images' in data ? data.images : data.features;
  if (order) {
    gatherRows<Uint8Array | Float32Array>(into, from, count, order, start, batch, width);
  } else into.set(from.subarray(start * width, (start + batch) * width));
  const inputScale = 'images' in data && scaleLater && !net.config.normalization ? PIXEL_SCALE : undefined;
  if ('images' in data && inputScale === undefined) net.scaleInputBytes(batch);

  const outputs = net.sizes[net.numLayers - 1], y = net.targetBuffer;
  if (data.labels) {
    y.fill(0, 0, batch * outputs);
    for (let r = 0; r < batch; r++) y[r * outputs + data.labels[order ? order[start + r] : start + r]] = 1;
  } else if (order) {
    gatherRows(y, data.targets!, count, order, start, batch, outputs);
  } else y.set(data.targets!.subarray(start * outputs, (start + batch) * outputs));
  net.normalizeLoaded(batch);
  return inputScale;
}

/**
 * Gathers the input rows of a batch of `batch` from `order` while `net` waits for its threads
 * (Network.whileWaiting), into the staging copy its next load reads (stagingFor): their TLB
 * and cache misses and their copying then take time the caller would spend waiting, not the
 * next load's. at(start) hands it the batch from `start` (train() the next one, between a
 * batch's forward and backward); drop() forgets what it gathered, where other code has run
 * since and may have changed the data; end() drops it, so that a network kept after training
 * does not keep its data alive. Made once per run: a step allocates nothing. Inputs in unshared
 * memory (no threads, so no waiting) have no staging copy, and rows gathered ahead would
 * overwrite the batch in use: there it gathers nothing, and each load gathers its own rows.
 */
export function batchPrefetcher(net: Network, data: Dataset, order: Uint32Array, batch: number) {
  const array = 'images' in data ? data.images : data.features, width = inputWidth(data), count = data.count;
  const into = 'images' in data ? net.inputBytes : net.inputBuffer, staging = stagingFor<Uint8Array | Float32Array>(into);
  const ahead: GatheredAhead = { array, order, start: 0, batch };
  const gatherAhead = () => {
    gather(staging, array, count, order, ahead.start, batch, width);
    gatheredAhead.set(staging, ahead);
  };
  return {
    at(next: number): void {
      if (staging === into) return;
      gatheredAhead.delete(staging);
      ahead.start = next;
      net.whileWaiting(gatherAhead);
    },
    /** Forgets rows gathered ahead: other code ran (an await), which may have changed the data's arrays. */
    drop(): void {
      gatheredAhead.delete(staging);
    },
    end(): void {
      gatheredAhead.delete(staging);
      if (!net.disposed) net.whileWaiting(null);
    },
  };
}

/** loadBatch(), then net.forwardLoaded() over it, which scales images as it goes. */
export function forwardBatch(net: Network, data: Dataset, order: Uint32Array | null, start: number, batch: number, training: boolean, weightsUnchanged = false): void {
  net.forwardLoaded(batch, training, weightsUnchanged, loadBatch(net, data, order, start, batch, true));
}

/**
 * The splits of `splits` there are, each with the name its errors give it: "penguins.csv
 * (training split)". A split that is the same data set as one before it (fromArrays' test is
 * its train) is listed once, so that checks over the splits read it once.
 */
export function namedSplits<D extends Dataset>(splits: DataSplits<D>): [D, string][] {
  const names = { train: 'training', test: 'test', validation: 'validation' } as const;
  const present = (['train', 'test', 'validation'] as const).filter((s) => splits[s]);
  return present.filter((s, i) => !present.slice(0, i).some((t) => splits[t] === splits[s])).map((s) => [splits[s]!, `${sourceOf(splits)} (${names[s]} split)`]);
}

/**
 * Checks that a network fits a data set and that the data set holds what it claims, so that
 * no batch reads past its arrays or sets a target outside the network's outputs: inputs =
 * floats per sample, outputs ≥ classes (= the width of target vectors), count × width
 * inputs, count labels below the outputs or count × outputs finite targets. Errors name
 * `source` and the first bad index.
 */
export function checkFits(net: Network, data: Dataset, classes: number, source: string): void {
  checkData(data, classes, source, net);
}

/** checkFits' checks of the data alone, before there is a network: labels below `classes`, targets `classes` wide. */
export function checkDataset(data: Dataset, classes: number, source: string): void {
  checkData(data, classes, source, null);
}

function checkData(data: Dataset, classes: number, source: string, net: Network | null): void {
  const dims: [string, number][] = 'images' in data
    ? [['count', data.count], ['rows', data.rows], ['cols', data.cols]]
    : [['count', data.count], ['width', data.width]];
  for (const [name, v] of dims) {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${source}: the data set's ${name} is ${shown(v)}; it must be an integer ≥ 0`);
  }
  if (data.count === 0) throw new Error(`${source}: there are no samples (count 0)`);
  refuseUntyped(data, source);
  const { count } = data, width = inputWidth(data), inputs = 'images' in data ? data.images : data.features;
  const what = 'images' in data
    ? { one: 'image', ones: 'images', unit: 'pixels', cell: 'bytes', array: 'images', shape: `${data.rows}×${data.cols} = ${width} pixels` }
    : { one: 'row', ones: 'rows', unit: 'features', cell: 'values', array: 'features', shape: `${width} features` };
  if (!inputs) throw new Error(`${source}: the data set has neither images nor features`);
  if (net && net.sizes[0] !== width) throw new Error(`${source}: ${what.ones} are ${what.shape} but the network takes ${net.sizes[0]} inputs`);
  if (inputs.length < count * width) {
    throw new Error(`${source}: ${count} ${what.ones} of ${width} ${what.unit} need ${count * width} ${what.cell} but the ${what.array} hold ${inputs.length} (${what.one} ${Math.floor(inputs.length / width)} is the first cut short)`);
  }
  if (!('images' in data)) checkFinite(data.features, count, width, 'feature', source);
  const norm = net?.config.normalization;
  if (norm && !('images' in data)) refuseOverflow(data.features, count, width, norm, 'feature', source);
  if (!net && !(Number.isSafeInteger(classes) && classes >= 1)) {
    throw new Error(`${source}: the data's classes is ${shown(classes)}; it must be an integer ≥ 1 (the classes, or the width of a target vector)`);
  }
  // What labels must lie below and targets fill: the network's outputs, or the classes the data claims before there is one.
  const outputs = net ? net.sizes[net.numLayers - 1] : classes;
  const within = net ? `the network has only ${outputs} outputs` : `the data has ${classes} classes`;
  if (!data.labels === !data.targets) throw new Error(`${source}: the data set must have exactly one of labels (class indices) and targets (vectors)`);
  if (data.labels) {
    if (outputs < classes) throw new Error(`${source}: the data has ${classes} classes (labels 0 to ${classes - 1}) but the network has only ${outputs} outputs`);
    if (data.labels.length < count) throw new Error(`${source}: ${count} ${what.ones} need ${count} labels but there are ${data.labels.length} (label ${data.labels.length} is the first missing)`);
    const labels = data.labels.subarray(0, count);
    // Uint32Array in the types; from plain JavaScript an Int32Array or Float64Array may come, whose −1 or 1.5 would one-hot nothing or the wrong output.
    const bad = labels.findIndex((label) => !(Number.isInteger(label) && label >= 0 && label < outputs));
    if (bad >= 0) {
      const label = labels[bad];
      throw new Error(`${source}: labels[${bad}] is ${label}${Number.isInteger(label) && label >= 0 ? ` but ${within}` : ', not a class index'} (labels 0 to ${outputs - 1})`);
    }
    return;
  }
  const targets = data.targets!;
  // Before the vectors' width: evaluate() takes that width from the targets' length, which a count too large makes fractional.
  if (targets.length < count * outputs) {
    throw new Error(`${source}: ${count} samples of ${outputs} targets need ${count * outputs} values but the targets hold ${targets.length} (row ${Math.floor(targets.length / outputs)} is the first cut short)`);
  }
  if (outputs !== classes) throw new Error(`${source}: target vectors have ${classes} values but the network has ${outputs} outputs`);
  checkFinite(targets, count, outputs, 'target', source);
  if (!net) return;
  if (net.config.targetNormalization) refuseOverflow(targets, count, outputs, net.config.targetNormalization, 'target', source);
  const loss = net.config.loss;
  if (LOSS_KINDS[loss].probabilityTargets) {
    refuseFirst(targets, count, outputs, 'target', source, (v) => v < 0 || v > 1, () =>
      `, but under the loss ${loss} every target is a probability from 0 to 1 (one-hot rows for classes, 0 or 1 for labels): give mse, mae or huber for other numbers`);
  }
}

/**
 * Throws, naming `source`, where an array of `data` is not a typed array of what it holds:
 * plain arrays from JavaScript met a TypeError further on. Images are bytes (Uint8Array, or
 * Uint8ClampedArray as a canvas gives them): floats there would be cut to bytes. Features,
 * labels and targets may be any typed array of numbers (a Float64Array too).
 */
export function refuseUntyped(data: Dataset, source: string): void {
  const given = data as unknown as Record<string, unknown>;
  const what = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an Array (fromArrays() makes a data set of plain arrays)' : ArrayBuffer.isView(v) ? `a ${v.constructor.name}` : `a ${typeof v}`);
  const numbers = (v: unknown) => ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
  const rules = { images: [(v: unknown) => v instanceof Uint8Array || v instanceof Uint8ClampedArray, 'a Uint8Array of bytes'], features: [numbers, 'a typed array of numbers (Float32Array)'], labels: [numbers, 'a typed array of class indices (Uint32Array)'], targets: [numbers, 'a typed array of numbers (Float32Array)'] } as const;
  for (const [name, [ok, kind]] of Object.entries(rules)) {
    if (given[name] !== undefined && !ok(given[name])) throw new Error(`${source}: ${name} must be ${kind}, got ${what(given[name])}`);
  }
}

/** Throws, naming `source`, the row and the column, at the first value of `values` [count × width] that is not a finite number. */
export function checkFinite(values: Float32Array, count: number, width: number, what: 'feature' | 'target', source: string): void {
  // A NaN feature is most likely a missing value a CSV read with missing: 'keep' left for imputeMeans.
  const missing = (v: number) => (what === 'feature' && Number.isNaN(v) ? " (a missing value? after a CSV read with missing: 'keep', fill them with imputeMeans(splits) once the test split is held out)" : '');
  refuseFirst(values, count, width, what, source, (v) => !isFiniteFloat32(v), (v) => float32Fault(v, what) + missing(v));
}

/**
 * Throws, naming `source`, the row and the column, at the first value of `values` [count ×
 * width] that normalisation `norm` takes past float32's range: here, not at the batch that
 * meets it, which an epoch of training may come before.
 */
function refuseOverflow(values: Float32Array, count: number, width: number, norm: Normalization, what: 'feature' | 'target', source: string): void {
  const off = Float32Array.from(norm.offset), sc = Float32Array.from(norm.scale);
  refuseFirst(values, count, width, what, source, (v, at) => !Number.isFinite(normalized(v, off[at % width], sc[at % width])), (_, at) => overflowText(off[at % width], sc[at % width]));
}

/** Throws `source: what j of row r is v` + `why` at the first value of `values` [count × width] that `bad` picks. */
function refuseFirst(values: Float32Array, count: number, width: number, what: string, source: string, bad: (v: number, at: number) => boolean, why: (v: number, at: number) => string): void {
  const at = values.subarray(0, count * width).findIndex(bad);
  if (at >= 0) throw new Error(`${source}: ${what} ${at % width} of row ${Math.floor(at / width)} is ${values[at]}${why(values[at], at)}`);
}
