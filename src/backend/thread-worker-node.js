// A kernel thread in Node: a worker_threads Worker running serve().
import { parentPort } from 'node:worker_threads';
import { serve } from './thread-serve.js';

parentPort?.once('message', (init) => serve(init, () => parentPort?.postMessage('ready')));
