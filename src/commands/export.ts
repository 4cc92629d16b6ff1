// simdnet export / import: a saved model to the TF.js layers format or ONNX, and a
// TF.js layers model (dense or convolutional) into simdnet's format.
import { makeFolders, removeEmptyFolders } from '../make-folders.js';
import { UsageError } from './common.js';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { TFJS_FILES, toTfjs } from '../export/tfjs.js';
import { findTfjsFiles, readTfjsWeights } from '../export/tfjs-files.js';
import { toOnnx } from '../export/onnx.js';
import { describeIo } from '../export/io-description.js';
import { describeNetwork } from '../layers/describe.js';
import { IMPORTED_LAYERS } from '../export/tfjs-layers.js';
import { encodeModel, networkFromModel, type Model } from '../model.js';
import { readModelFile, writeFileAtomic } from '../model-file.js';
import { checkOutputFiles, checkWritableFile, refuseSameFiles } from './output-paths.js';

/** What x and y hold, as the export records it (x of `shape`): the lines under the one naming the file. */
function ioLines(model: Model, shape: readonly number[]): string {
  const io = describeIo(model);
  return `input x [N × ${shape.join(' × ')}]:\n  ${io.input}\noutput y [N × ${model.config.sizes.at(-1)}]:\n  ${io.output}`;
}

export function exportCommand(program: Command): void {
  program.command('export')
    .description('export a saved model to the TF.js layers format (a folder: model.json + weights.bin) or to ONNX (a file)')
    .argument('<model>', 'a model file written by simdnet train --out')
    .addOption(new Option('--format <format>', 'what to write').choices(['tfjs', 'onnx']).makeOptionMandatory())
    .requiredOption('--out <path>', 'the folder (tfjs) or file (onnx) to write')
    .action(async (file: string, flags: { format: 'tfjs' | 'onnx'; out: string }) => {
      const input = [{ name: 'the model to export', path: file }];
      const outputs = flags.format === 'onnx' ? [{ name: '--out', path: flags.out }]
        : Object.values(TFJS_FILES).map((name) => ({ name: `the ${name} written into --out`, path: path.join(flags.out, name) }));
      if (flags.format === 'onnx') await checkOutputFiles(outputs, input);
      else refuseSameFiles(outputs, input);
      const model = await readModelFile(file);
      if (flags.format === 'onnx') {
        await writeFileAtomic(flags.out, toOnnx(model));
        console.log(`${flags.out}: ONNX (opset 13)\n${ioLines(model, [model.config.sizes[0]])}`);
        return;
      }
      const { modelJson, weights } = toTfjs(model);
      const made = await makeFolders(flags.out).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EEXIST') throw new UsageError(`--out ${flags.out} is a file; the TF.js format is a folder (model.json and weights.bin): give a folder name`);
        if (e.code === 'ENOTDIR') throw new UsageError(`--out ${flags.out}: a part of its path is a file, not a folder (${e.message})`);
        throw new UsageError(`--out ${flags.out}: cannot make the folder (${e.message})`);
      });
      // Both files found writable before either is written: a model.json that cannot be would leave new weights beside the old one.
      try {
        for (const out of outputs) await checkWritableFile(out.name, out.path);
      } catch (e) {
        removeEmptyFolders(made);
        throw e;
      }
      await writeFileAtomic(path.join(flags.out, TFJS_FILES.weights), weights);
      await writeFileAtomic(path.join(flags.out, TFJS_FILES.model), JSON.stringify(modelJson, null, 1));
      console.log(`${flags.out}: TF.js layers model (model.json + weights.bin); load it with tf.loadLayersModel\n${ioLines(model, model.config.inputShape ?? [model.config.sizes[0]])}`);
    });

  program.command('import')
    .description(`import a TF.js layers model (Sequential of ${IMPORTED_LAYERS.join(', ')}; model.json and its weight files) as a simdnet model file`)
    .argument('<model.json>', "the TF.js model's model.json; its weight files are read from the same folder")
    .requiredOption('--out <file>', 'the simdnet model file to write')
    .action(async (file: string, flags: { out: string }) => {
      const out = [{ name: '--out', path: flags.out }];
      await checkOutputFiles(out, [{ name: 'the model.json to import', path: file }]);
      const found = await findTfjsFiles(file);
      refuseSameFiles(out, found.groups.flatMap((g) => g.files).map((f) => ({ name: 'a weight file of the model.json', path: f })));
      const model = await readTfjsWeights(found);
      await writeFileAtomic(flags.out, encodeModel(await networkFromModel(model, { backend: 'js' }), model.metadata, false, model.data));
      console.log(`${flags.out}: ${describeNetwork(model.config)}, ${model.config.loss}`);
    });
}
