// simdnet's public API, for Node and browsers alike: no Node built-in is imported from
// here. Node users get the same names plus file and data-folder helpers from node.ts
// (package.json's "node" condition picks it).
export { Network, ACTIVATIONS, LOSSES, INITS, OPTIMIZERS, BACKENDS, SIMD_CHOICES } from './network.js';
export { LAYER_KIND_NAMES } from './layers/registry.js';
export type { LayerSpec } from './layers/registry.js';
export { learningRate, parseSchedule } from './schedule.js';
export type { Schedule } from './schedule.js';
export type { NetworkOptions, NetworkConfig, RunOptions, LossName, InitName, OptimizerName } from './network.js';
export type { BackendName } from './backend/backend.js';
export type { ActivationName } from './layers/activation.js';
export type { SimdChoice, SimdLevel } from './backend/wasm.js';
export { train, DivergenceError } from './train.js';
export type { TrainOptions, TrainResult, BatchProgress, EpochEnd, HistoryEntry } from './train.js';
export { evaluate } from './evaluate.js';
export type { Evaluation } from './evaluate.js';
export { confusionMatrix, classificationReport, formatClassificationReport } from './metrics.js';
export type { ClassificationReport, ClassScores } from './metrics.js';
export { encodeModel, decodeModel, networkFromModel, parameterCount, MODEL_VERSION } from './model.js';
export type { Model, ModelConfig } from './model.js';
export { parseIdx, IMAGES_MAGIC, LABELS_MAGIC } from './data/idx.js';
export { parseCsv } from './data/csv.js';
export type { CsvOptions, CsvTable, TargetColumn } from './data/csv.js';
export { datasetFrom, splitsFrom, head, FILE_NAMES } from './data/dataset.js';
export type { Dataset, DataSplits } from './data/dataset.js';
export { RECIPES, recipeNetwork, recipeSchedule } from './recipes.js';
export type { Recipe, RecipeName } from './recipes.js';
export { setWasmSources } from './platform.js';
export type { BuildName } from './platform.js';
export { Rng } from './rng.js';
export { toTfjs, fromTfjs } from './export/tfjs.js';
export type { TfjsArtifacts, TfjsWeightSpec } from './export/tfjs.js';
export { toOnnx } from './export/onnx.js';
