// predict --image: a PNG of any size is prepared as MNIST's digits were made (crop to the
// ink, fit 20×20, centre by mass in 28×28) and inverted when it is dark on light.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import type { LabelledImages } from '../src/data/dataset.js';
import { isDarkOnLight } from '../src/image/grey.js';
import { mnistDigit } from '../src/image/mnist-digit.js';
import { pngDataBytes } from '../src/image/png-data.js';
import { readPngHeader } from '../src/image/png-header.js';
import { networkFromModel } from '../src/model.js';
import { readModelFile } from '../src/model-file.js';
import { Rng } from '../src/rng.js';
import { simdnet, simdnetMeasured, type Run } from './cli-run.js';
import { pngClaiming } from './hostile.js';
import { writeDataDir } from './helpers.js';

let dir: string, model: string, test: LabelledImages;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'simdnet-predict-image-'));
  model = path.join(dir, 'm.simdnet');
  test = (await loadDataDir(mnistDataDir())).test;
  const trained = await simdnet(['train', '--limit', '5000', '--epochs', '2', '--hidden', '64', '--threads', '1', '--out', model]);
  expect(trained.code, trained.stderr).toBe(0);
}, 120_000);

const digit = (i: number) => test.images.subarray(784 * i, 784 * (i + 1));

/** A PNG of `width` × `height` whose RGBA pixel (x, y) is `rgba(x, y)`. */
async function writePng(name: string, width: number, height: number, rgba: (x: number, y: number) => number[]): Promise<string> {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) png.data.set(rgba(x, y), 4 * (y * width + x));
  const file = path.join(dir, name);
  await writeFile(file, PNG.sync.write(png));
  return file;
}

/** MNIST digit i, bilinearly upscaled ×10 to 280×280: its ink value at (x, y) of the large image. */
function upscaled(i: number, x: number, y: number): number {
  const d = digit(i), u = x / 10 - 0.45, v = y / 10 - 0.45;
  const at = (c: number, r: number) => (c < 0 || r < 0 || c > 27 || r > 27 ? 0 : d[r * 28 + c]);
  const c = Math.floor(u), r = Math.floor(v), fu = u - c, fv = v - r;
  return (1 - fv) * ((1 - fu) * at(c, r) + fu * at(c + 1, r)) + fv * ((1 - fu) * at(c, r + 1) + fu * at(c + 1, r + 1));
}

const predict = (file: string, ...flags: string[]) => simdnet(['predict', model, '--image', file, '--json', ...flags]);
const result = (run: Run) => {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { predicted: number; probabilities: number[] };
};

describe('preparing a digit as MNIST did', () => {
  it("leaves MNIST's own test digits as they are (9,996 of 10,000)", () => {
    let same = 0;
    for (let i = 0; i < test.count; i++) {
      const out = mnistDigit({ width: 28, height: 28, pixels: digit(i) }, 28, false, 'x');
      if (out.every((v, k) => v === digit(i)[k])) same++;
    }
    expect(same).toBe(9996);
  });

  it('finds the digit in a photo-like picture: grey ink on shaded, grainy paper', async () => {
    const net = await networkFromModel(await readModelFile(model), { backend: 'js', maxBatch: 1 });
    const classify = (pixels: Uint8Array) => net.predict(Float32Array.from(pixels, (v) => v / 255)).classes[0];
    const rng = new Rng(5);
    let photos = 0, originals = 0;
    for (let i = 0; i < 30; i++) {
      const d = digit(i), width = 400, height = 300, ox = 60 + 5 * i, oy = 40 + 3 * i;
      const pixels = new Uint8Array(width * height);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const paper = 150 + (60 * x) / width + 20 * (rng.uniform() - 0.5);
          const c = Math.floor((x - ox) / 7), r = Math.floor((y - oy) / 7);
          const ink = c >= 0 && r >= 0 && c < 28 && r < 28 ? d[r * 28 + c] / 255 : 0;
          pixels[y * width + x] = Math.round(paper * (1 - ink) + 50 * ink);
        }
      }
      const photo = { width, height, pixels };
      expect(isDarkOnLight(photo)).toBe(true);
      if (classify(mnistDigit(photo, 28, true, 'photo')) === test.labels[i]) photos++;
      if (classify(d) === test.labels[i]) originals++;
    }
    console.log(`photo-like pictures classified right: ${photos} of 30 (their 28×28 originals: ${originals})`);
    expect(photos).toBeGreaterThanOrEqual(originals - 3);
  });

  it('refuses a blank image, naming it', () => {
    expect(() => mnistDigit({ width: 5, height: 4, pixels: new Uint8Array(20).fill(200) }, 28, false, 'blank.png'))
      .toThrow('blank.png: no digit found: nothing in the image stands out from its border');
  });
});

describe('simdnet predict --image', () => {
  it('classifies 280×280 black-on-white digits placed off-centre on a larger canvas as the originals', async () => {
    const originals = await Promise.all(Array.from({ length: 10 }, (_, i) => simdnet(['predict', model, '--index', String(i), '--json'])));
    const right = originals.map(result).map((r, i) => r.predicted === test.labels[i]);
    expect(right.filter(Boolean).length).toBeGreaterThanOrEqual(8);
    const files = await Promise.all(Array.from({ length: 10 }, (_, i) => {
      const ox = 20 + 37 * i, oy = 150 - 13 * i;
      return writePng(`big-${i}.png`, 640, 480, (x, y) => {
        const ink = x >= ox && x < ox + 280 && y >= oy && y < oy + 280 ? upscaled(i, x - ox, y - oy) : 0;
        const grey = Math.round(255 - ink);
        return [grey, grey, grey, 255];
      });
    }));
    const runs = await Promise.all(files.map((f) => predict(f)));
    expect(runs[0].stderr).toContain(`${files[0]}: a 640×480 PNG, dark on light: inverted, cropped to the ink, scaled to fit 20×20 and centred by mass in 28×28`);
    const agree = runs.map(result).filter((r, i) => right[i] && r.predicted === test.labels[i]).length;
    console.log(`280×280 off-centre PNGs classified as their originals: ${agree} of the ${right.filter(Boolean).length} whose 28×28 original is right`);
    expect(agree).toBeGreaterThanOrEqual(8);
  }, 60_000);

  it('a 28×28 digit black on white, or as dark ink on a transparent canvas, is exactly the test image', async () => {
    const d = digit(0);
    const blackOnWhite = await writePng('bow.png', 28, 28, (x, y) => Array(3).fill(255 - d[y * 28 + x]).concat(255));
    const transparent = await writePng('alpha.png', 28, 28, (x, y) => [0, 0, 0, d[y * 28 + x]]);
    const [byIndex, a, b] = await Promise.all([simdnet(['predict', model, '--index', '0', '--json']), predict(blackOnWhite), predict(transparent)]);
    expect(result(a).probabilities).toEqual(result(byIndex).probabilities);
    expect(result(b).probabilities).toEqual(result(byIndex).probabilities);
  });

  it('--no-invert keeps a dark-on-light image as it is, where no light digit stands out', async () => {
    const blackOnWhite = await writePng('bow2.png', 28, 28, (x, y) => Array(3).fill(255 - digit(1)[y * 28 + x]).concat(255));
    const run = await predict(blackOnWhite, '--no-invert');
    expect([run.code, run.stderr.trim()]).toEqual([1, `simdnet: ${blackOnWhite}: no digit found: nothing in the image stands out from its border`]);
  });

  it('names in its --help the largest PNG it decodes', async () => {
    const help = (await simdnet(['predict', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('a PNG of any size up to 16 Mpixel, 16384 pixels a side and 32 MiB of pixels (8 Mpixel of 8-bit RGBA)');
  });

  it('refuses a tiny PNG claiming 30000×30000 pixels before decoding it, in little memory', async () => {
    const file = path.join(dir, 'bomb.png');
    await writeFile(file, pngClaiming(30000, 30000));
    const run = await simdnetMeasured(['predict', model, '--image', file]);
    expect([run.code, run.stderr.trim()]).toEqual([1,
      `simdnet: ${file}: the PNG claims 30000×30000 pixels; simdnet decodes images of at most 16 Mpixel and 16384 pixels a side`]);
    console.log(`predict on a ${pngClaiming(30000, 30000).length}-byte PNG claiming 30000×30000: peak ${run.peakMiB.toFixed(0)} MiB`);
    expect(run.peakMiB).toBeLessThan(200);
  });

  it('refuses a PNG whose pixels decode to more than 32 MiB (16384×1024 of 16-bit RGBA, 128 MiB: a 24 KB file took 675 MB), before decoding it', async () => {
    const file = path.join(dir, 'deep.png');
    await writeFile(file, pngClaiming(16384, 1024, undefined, 16, 6));
    const run = await simdnetMeasured(['predict', model, '--image', file]);
    expect([run.code, run.stderr.trim()]).toEqual([1, `simdnet: ${file}: the PNG claims 16384×1024 pixels of RGBA at 16 bits a channel, 128.0 MiB decoded; ` +
      'simdnet decodes at most 32 MiB (16 Mpixel of 8-bit grey, 8 of 8-bit RGBA): save it at 8 bits a channel, or smaller']);
    expect(run.peakMiB).toBeLessThan(200);
    // 8 Mpixel of 8-bit RGBA is within it, exactly (refused before rows' filter bytes were left out); 4097×2048 is past it.
    expect(() => readPngHeader(pngClaiming(4096, 2048, undefined, 8, 6), 'fits.png')).not.toThrow();
    expect(() => readPngHeader(pngClaiming(4097, 2048, undefined, 8, 6), 'over.png')).toThrow('over.png: the PNG claims 4097×2048 pixels of RGBA at 8 bits a channel, 32.0 MiB decoded; simdnet decodes at most 32 MiB (16 Mpixel of 8-bit grey, 8 of 8-bit RGBA): save it smaller');
  });

  it('refuses a PNG whose header claims more pixels than its image data holds (pngjs decodes the rest as zeros), before pngjs allocates them', async () => {
    for (const [width, height, need] of [[640, 480, 307680], [4000, 4000, 16004000]]) {
      const file = path.join(dir, `claims-${width}.png`);
      await writeFile(file, pngClaiming(width, height));
      const run = await simdnetMeasured(['predict', model, '--image', file]);
      expect([run.code, run.stderr.trim()]).toEqual([1,
        `simdnet: ${file}: not a readable PNG (its image data holds 2 bytes, but ${width}×${height} pixels need ${need}: the header claims more than the file holds)`]);
      // 4000×4000, within the size limits: decoded before the check, it peaked at 156 MiB here (66 MiB checked first).
      console.log(`predict on a ${pngClaiming(width, height).length}-byte PNG claiming ${width}×${height}: peak ${run.peakMiB.toFixed(0)} MiB`);
      expect(run.peakMiB).toBeLessThan(100);
    }
  });

  it('refuses a PNG whose compressed image data stops short of its end (pngjs decodes the rest as zeros too)', async () => {
    const file = path.join(dir, 'cut-stream.png');
    // 28 rows of a filter byte and 28 pixels, stored (level 0), cut after 400 bytes.
    await writeFile(file, pngClaiming(28, 28, deflateSync(Buffer.alloc(28 * 29), { level: 0 }).subarray(0, 400)));
    const run = await simdnet(['predict', model, '--image', file]);
    expect([run.code, run.stderr.trim()]).toEqual([1,
      `simdnet: ${file}: not a readable PNG (its image data holds 393 bytes, but 28×28 pixels need 812: the header claims more than the file holds)`]);
  });

  it('counts the bytes a PNG\'s image data must hold, row by row, and pass by pass where it is interlaced (Adam7)', () => {
    // 8×8 RGBA: 8 rows of a filter byte and 32 bytes; interlaced, passes of 1×1, 1×1, 2×1, 2×2, 4×2, 4×4 and 8×4 pixels.
    expect(pngDataBytes(8, 8, 8, 6, 0)).toBe(264);
    expect(pngDataBytes(8, 8, 8, 6, 1)).toBe(5 + 5 + 9 + 18 + 34 + 68 + 132);
    // 3×1 grey of 1 bit: one byte a row; interlaced, only passes 1, 2 (x = 4: none), 4 (x = 2) and 6 (x = 1) have pixels.
    expect(pngDataBytes(3, 1, 1, 0, 0)).toBe(2);
    expect(pngDataBytes(3, 1, 1, 0, 1)).toBe(2 + 2 + 2);
  });

  it('a PNG for a model whose input is not square is a clear error', async () => {
    const data = path.join(dir, 'six-pixels');
    await writeDataDir(data, { rows: 3, cols: 2 });
    const small = path.join(dir, 'six.simdnet');
    expect((await simdnet(['train', '--data', data, '--epochs', '1', '--hidden', '4', '--batch-size', '4', '--out', small])).code).toBe(0);
    const png = await writePng('any.png', 3, 2, () => [0, 0, 0, 255]);
    const run = await simdnet(['predict', small, '--image', png]);
    expect([run.code, run.stderr.trim()]).toEqual([1,
      `simdnet: ${png}: the model takes 6 inputs, not a square image, so a PNG cannot be fitted to it; give a raw file of exactly 6 bytes`]);
  });

  it('--invert and --no-invert together contradict each other, in either order', async () => {
    const png = await writePng('either.png', 28, 28, (x, y) => Array(3).fill(digit(2)[y * 28 + x]).concat(255));
    for (const flags of [['--invert', '--no-invert'], ['--no-invert', '--invert']]) {
      const run = await simdnet(['predict', model, '--image', png, ...flags]);
      expect([run.code, run.stderr.trim()]).toEqual([2, 'error: --invert and --no-invert contradict each other: give one of them\n(add --help for usage)']);
    }
  });

  it('--invert goes with --image only, and --data with --index only', async () => {
    const refused = async (args: string[], message: string) => {
      const run = await simdnet(['predict', model, ...args]);
      expect([run.code, run.stderr.trim(), run.stdout]).toEqual([2, `error: ${message}\n(add --help for usage)`, '']);
    };
    await refused(['--index', '0', '--invert'], '--invert and --no-invert go with --image; --index takes no image');
    await refused(['--input', '1,2,3', '--no-invert'], '--invert and --no-invert go with --image; --input takes no image');
    const png = await writePng('with-data.png', 28, 28, () => [0, 0, 0, 255]);
    await refused(['--image', png, '--data', 'no-such-folder'], '--data goes with --index (the test image of that data); --image names its own input');
  });
});
