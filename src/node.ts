// simdnet for Node: everything of index.ts, with kernels read from the file system and
// threads as worker_threads, plus reading data folders and model files.
import './platform-node.js';
import { describeData, encodeModel, networkFromModel } from './model.js';
import { readModelFile, writeFileAtomic } from './model-file.js';
import type { Network, RunOptions } from './network.js';
import { parseCsv, type CsvOptions } from './data/csv.js';
import type { DataSplits, FeatureDataset } from './data/dataset.js';
import { tableSplits, type TableOptions } from './data/table.js';
import { readTableBytes } from './data/table-file.js';
import { shown } from './shown.js';

export * from './index.js';
export { loadDataDir, mnistDataDir, readMaybeGzip } from './data/files.js';
export { readModelFile, writeFileAtomic } from './model-file.js';
export { enableRelaxedSimdInNode20 } from './relaxed-simd.js';

/**
 * Saves `net` to `file` in the simdnet model format (temporary file, then rename). With the
 * splits it was trained on (what fit() returns as `data`), the file also keeps their task
 * and their class, feature and target names and missing-value fills, as the command line's
 * models do: `simdnet predict` and `eval` then take raw rows and name the outputs.
 */
export async function saveModel(file: string, net: Network, metadata: Record<string, unknown> = {}, data?: DataSplits): Promise<void> {
  await writeFileAtomic(file, encodeModel(net, metadata, false, data && describeData(data)));
}

/** Loads a model file into a new network; errors name the file. */
export async function loadModel(file: string, options: RunOptions = {}): Promise<Network> {
  return networkFromModel(await readModelFile(file), options);
}

/** A CSV file as a data set (train and test both every row until holdOut splits them); errors name the file, line and column. */
export async function loadCsv(file: string, options: Omit<CsvOptions, 'name'> & Pick<TableOptions, 'mixedTarget'>): Promise<DataSplits<FeatureDataset>> {
  if (typeof options !== 'object' || options === null) throw new Error(`loadCsv: options must name the target column, like loadCsv(file, { target: 'species' }); got ${shown(options)}`);
  const { mixedTarget, ...csv } = options;
  return tableSplits(parseCsv(await readTableBytes(file), { name: file, ...csv }), file, { mixedTarget });
}
