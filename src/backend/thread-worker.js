// A kernel thread in the browser: a module Web Worker running serve().
import { serve } from './thread-serve.js';

self.onmessage = (e) => serve(e.data, () => self.postMessage('ready'));
