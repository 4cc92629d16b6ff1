// simdnet's public API.
export { Network, ACTIVATIONS, LOSSES, INITS, OPTIMIZERS, BACKENDS } from './network.js';
export type { NetworkOptions, NetworkConfig, LossName, InitName, OptimizerName } from './network.js';
export type { ActivationName, BackendName } from './backend/backend.js';
export { Rng } from './rng.js';
