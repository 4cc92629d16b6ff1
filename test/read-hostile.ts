// A child process for the fuzz test: runs each reader on each file given as JSON in argv[2]
// ([reader, file][]) and prints the outcomes as one JSON line. Run under /usr/bin/time, its
// peak memory is what these reads cost and nothing else.
import '../src/platform-node.js';
import { readMaybeGzip } from '../src/data/files.js';
import { IMAGES_MAGIC } from '../src/data/idx.js';
import { findTfjsFiles, readTfjsWeights } from '../src/export/tfjs-files.js';
import { readDigitImage } from '../src/image/read-image.js';
import { readModelFile } from '../src/model-file.js';

const READERS = {
  idx: (file: string) => readMaybeGzip(file, IMAGES_MAGIC),
  model: readModelFile,
  tfjs: async (manifest: string) => readTfjsWeights(await findTfjsFiles(manifest)),
  image: (file: string) => readDigitImage(file, 784, undefined),
};

const cases = JSON.parse(process.argv[2]) as [keyof typeof READERS, string][];
const outcomes: { reader: string; file: string; error: string | null }[] = [];
for (const [reader, file] of cases) {
  try {
    await READERS[reader](file);
    outcomes.push({ reader, file, error: null });
  } catch (e) {
    outcomes.push({ reader, file, error: e instanceof Error ? e.message : `not an Error: ${String(e)}` });
  }
}
console.log(JSON.stringify(outcomes));
