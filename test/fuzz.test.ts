// Hostile input: thousands of mutated IDX files, gzip files and model files, and for every
// reader paths that are not files (a FIFO, /dev/zero, a folder, a link to /dev/zero) and
// files whose headers claim far more than they hold. Every one must end in a correct result
// or an Error that names the file — never a crash, a hang, or an allocation the file's real
// size does not justify (the readers allocate only after the header's claims are checked
// against the bytes present).
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/crc32.js';
import { readMaybeGzip } from '../src/data/files.js';
import { IMAGES_MAGIC, LABELS_MAGIC, parseIdx } from '../src/data/idx.js';
import { toTfjs } from '../src/export/tfjs.js';
import { decodeModel, encodeModel } from '../src/model.js';
import { Network } from '../src/network.js';
import { Rng } from '../src/rng.js';
import { nodeMeasured } from './cli-run.js';
import { idx } from './helpers.js';
import { nonRegularFiles, pngClaiming, sparseFile } from './hostile.js';

type Outcome = 'ok' | 'clear error';

/** Runs `read`; an Error must start with `name: `, anything else fails the test. */
function outcome(name: string, read: () => unknown): Outcome {
  try {
    read();
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message.startsWith(`${name}: `), (e as Error).message).toBe(true);
    return 'clear error';
  }
}

/** One random mutation of `bytes`: truncation, flips, insertions, a huge u32, or garbage. */
function mutate(bytes: Uint8Array, rng: Rng, headerBytes: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  switch (rng.int(6)) {
    case 0: return out.slice(0, rng.int(out.length));
    case 1: {
      for (let k = 0, n = 1 + rng.int(4); k < n; k++) out[rng.int(out.length)] ^= 1 << rng.int(8);
      return out;
    }
    case 2: {
      const at = rng.int(out.length);
      return Uint8Array.from([...out.subarray(0, at), ...Array.from({ length: 1 + rng.int(8) }, () => rng.int(256)), ...out.subarray(at)]);
    }
    case 3: {
      new DataView(out.buffer).setUint32(4 * rng.int(Math.max(1, headerBytes / 4)), rng.int(4) === 0 ? 0xffffffff : rng.uint32());
      return out;
    }
    case 4: return Uint8Array.from({ length: rng.int(64) }, () => rng.int(256));
    default: {
      new DataView(out.buffer).setFloat32(headerBytes + 4 * rng.int((out.length - headerBytes) / 4 - 1), [NaN, Infinity, -Infinity][rng.int(3)], true);
      return out;
    }
  }
}

const tally = (outcomes: Outcome[]) => ({ cases: outcomes.length, ok: outcomes.filter((o) => o === 'ok').length, errors: outcomes.filter((o) => o === 'clear error').length });

describe('fuzzing the readers', () => {
  it('IDX images and labels files: 4,000 mutations', () => {
    const rng = new Rng(11);
    const images = idx(IMAGES_MAGIC, [6, 5, 4], Array.from({ length: 120 }, (_, i) => i));
    const labels = idx(LABELS_MAGIC, [6], [0, 1, 2, 3, 4, 5]);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 2000; i++) {
      for (const [base, magic, header] of [[images, IMAGES_MAGIC, 16], [labels, LABELS_MAGIC, 8]] as const) {
        const bytes = mutate(base, rng, header);
        outcomes.push(outcome('fuzz.idx', () => {
          const { dims, data } = parseIdx(bytes, 'fuzz.idx', magic);
          expect(data.length).toBe(dims.reduce((p, d) => p * d, 1));
        }));
      }
    }
    const t = tally(outcomes);
    console.log('IDX fuzz', t);
    expect(t.cases).toBe(4000);
    expect(t.ok).toBeGreaterThan(100);
    expect(t.errors).toBeGreaterThan(1000);
  });

  it('gzipped IDX files: 300 mutations of the .gz bytes', async () => {
    const rng = new Rng(12);
    const dir = mkdtempSync(path.join(tmpdir(), 'simdnet-fuzz-'));
    const gz = gzipSync(idx(IMAGES_MAGIC, [6, 5, 4], Array.from({ length: 120 }, (_, i) => i)));
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 300; i++) {
      const file = path.join(dir, `f${i}.gz`);
      writeFileSync(file, mutate(gz, rng, 8));
      try {
        parseIdx(await readMaybeGzip(file, IMAGES_MAGIC), file, IMAGES_MAGIC);
        outcomes.push('ok');
      } catch (e) {
        expect((e as Error).message.startsWith(`${file}: `), (e as Error).message).toBe(true);
        outcomes.push('clear error');
      }
    }
    const t = tally(outcomes);
    console.log('gzip fuzz', t);
    expect(t.errors).toBeGreaterThan(100);
  });

  it('model files and checkpoints: 4,000 mutations, raw and with the checksum recomputed', async () => {
    const rng = new Rng(13);
    const net = await Network.create({ sizes: [6, 4, 3], optimizer: 'momentum' });
    const bases = [encodeModel(net, { recipe: 'fuzz' }), encodeModel(net, { checkpoint: { epochsDone: 1 } }, true)];
    const reseal = (b: Uint8Array) => {
      if (b.length >= 4) new DataView(b.buffer, b.byteOffset).setUint32(b.length - 4, crc32(b.subarray(0, b.length - 4)), true);
      return b;
    };
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 1000; i++) {
      for (const base of bases) {
        const header = 16 + new DataView(base.buffer).getUint32(12, true);
        const raw = mutate(base, rng, 16);
        const sealed = reseal(mutate(base, rng, rng.int(2) ? 16 : header));
        for (const bytes of [raw, sealed]) {
          outcomes.push(outcome('fuzz.simdnet', () => {
            const m = decodeModel(bytes, 'fuzz.simdnet');
            expect(m.parameters.every(Number.isFinite)).toBe(true);
          }));
        }
      }
    }
    const t = tally(outcomes);
    console.log('model fuzz', t);
    expect(t.cases).toBe(4000);
    expect(t.errors).toBeGreaterThan(2000);
  });

  it('model headers with hostile JSON: wrong types, huge and negative sizes, absurd counts', async () => {
    const net = await Network.create({ sizes: [6, 4, 3] });
    const base = encodeModel(net);
    const length = new DataView(base.buffer).getUint32(12, true);
    const text = new TextDecoder().decode(base.subarray(16, 16 + length));
    const edits: [string, string][] = [
      ['"sizes":[6,4,3]', '"sizes":"643"'], ['"sizes":[6,4,3]', '"sizes":[1e9,1e9]'], ['"sizes":[6,4,3]', '"sizes":[-6,4]'],
      ['"sizes":[6,4,3]', '"sizes":[6,4.5,3]'], ['"parameters":43', '"parameters":1e18'], ['"parameters":43', '"parameters":"43"'],
      ['"config":{', '"config":null,"x":{'], ['"loss":"mse"', '"loss":42'],
    ];
    for (const [from, to] of edits) {
      expect(text).toContain(from);
      const header = new TextEncoder().encode(text.replace(from, to).padEnd(Math.ceil(text.replace(from, to).length / 4) * 4));
      const bytes = new Uint8Array(16 + header.length + (base.length - 16 - length));
      bytes.set(base.subarray(0, 16));
      new DataView(bytes.buffer).setUint32(12, header.length, true);
      bytes.set(header, 16);
      bytes.set(base.subarray(16 + length), 16 + header.length);
      new DataView(bytes.buffer).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
      expect(outcome('fuzz.simdnet', () => decodeModel(bytes, 'fuzz.simdnet')), to).toBe('clear error');
    }
  });

  it('every reader, on paths that are not files and on size bombs: a clear error, in bounded memory', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'simdnet-fuzz-hostile-'));
    const cases: [string, string, string][] = []; // reader, file, the name its error must start with
    const readers = ['idx', 'model', 'tfjs', 'image'];
    const model = encodeModel(await Network.create({ sizes: [6, 4, 3] }));
    for (const { file } of nonRegularFiles(dir, 'x')) {
      for (const reader of readers) cases.push([reader, file, file]);
      const gz = path.join(dir, `${path.basename(file)}.gz`);
      symlinkSync(file, gz);
      cases.push(['idx', gz, gz]);
      const folder = path.join(dir, `tfjs-${path.basename(file)}`);
      mkdirSync(folder);
      const manifest = path.join(folder, 'model.json');
      const json = toTfjs(decodeModel(model, 'm')).modelJson;
      json.weightsManifest[0].paths = ['w.bin'];
      symlinkSync(file, path.join(folder, 'w.bin'));
      writeFileSync(manifest, JSON.stringify(json));
      cases.push(['tfjs', manifest, manifest]);
    }
    const bomb = (name: string, bytes: Uint8Array) => {
      writeFileSync(path.join(dir, name), bytes);
      return path.join(dir, name);
    };
    const sparse = (name: string, size: number, head?: Uint8Array) => {
      sparseFile(path.join(dir, name), size, head);
      return path.join(dir, name);
    };
    const claims32 = idx(IMAGES_MAGIC, [65536, 256, 256], new Uint8Array(100)); // 2^32 bytes of pixels claimed
    for (const [reader, file] of [
      ['idx', bomb('claims32', claims32)],
      ['idx', bomb('claims32.gz', gzipSync(claims32))],
      ['idx', sparse('sparse-idx', 1900 << 20, idx(IMAGES_MAGIC, [12, 3, 2], []))],
      ['idx', bomb('bomb.gz', gzipSync(Buffer.concat([idx(IMAGES_MAGIC, [6, 5, 4], new Uint8Array(120)), Buffer.alloc(256 << 20)])))],
      ['idx', bomb('ratio.gz', gzipSync(idx(IMAGES_MAGIC, [1000, 1000, 100], new Uint8Array(1000))))],
      ['model', sparse('sparse-zeros.simdnet', 1900 << 20)],
      ['model', sparse('sparse-header.simdnet', 1900 << 20, model.subarray(0, 16 + new DataView(model.buffer).getUint32(12, true)))],
      ['model', sparse('over-2-GiB.simdnet', 3 * 2 ** 30)],
      ['tfjs', sparse('sparse-model.json', 1900 << 20)],
      ['image', bomb('claims-30000.png', pngClaiming(30000, 30000))],
      ['image', bomb('claims-4096.png', pngClaiming(4096, 4096))],
      ['image', sparse('sparse.png', 1900 << 20, pngClaiming(28, 28))],
    ] as const) cases.push([reader, file, file]);
    const huge = path.join(dir, 'huge-tfjs');
    mkdirSync(huge);
    const json = toTfjs(decodeModel(model, 'm')).modelJson as any;
    json.modelTopology.config.layers[0].config.units = 10_000_000;
    json.weightsManifest[0].weights[0].shape = [6, 10_000_000];
    json.weightsManifest[0].weights[1].shape = [10_000_000];
    json.weightsManifest[0].weights[2].shape = [10_000_000, 3];
    writeFileSync(path.join(huge, 'model.json'), JSON.stringify(json));
    writeFileSync(path.join(huge, 'weights.bin'), new Uint8Array(100));
    cases.push(['tfjs', path.join(huge, 'model.json'), path.join(huge, 'model.json')]);

    const child = await nodeMeasured(['--import', 'tsx', 'test/read-hostile.ts', JSON.stringify(cases.map(([reader, file]) => [reader, file]))]);
    expect(child.code, child.stderr).toBe(0);
    const outcomes = JSON.parse(child.stdout) as { reader: string; file: string; error: string | null }[];
    expect(outcomes).toHaveLength(cases.length);
    outcomes.forEach(({ reader, file, error }, i) => {
      expect(error, `${reader} on ${file}`).not.toBeNull();
      expect(error!.startsWith(`${cases[i][2]}: `), `${reader} on ${file}: ${error}`).toBe(true);
    });
    console.log(`hostile paths and size bombs: ${cases.length} cases, all clear errors; the reading process peaked at ${child.peakMiB.toFixed(0)} MiB`);
    // The 4096×4096 PNG is decoded (it is within the limits): about 100 MiB of the peak.
    expect(child.peakMiB).toBeLessThan(300);
  }, 120_000);
});
