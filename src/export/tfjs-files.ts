// Reading a TF.js layers model from disk (Node only): model.json and the weight files its
// manifest names. A weight path may not leave model.json's folder (absolute, "..", or a
// symbolic link pointing out), every file is a regular file, and each group of files must
// hold exactly the bytes its weights take before any of them is read.
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { MODEL_MAGIC, type Model } from '../model.js';
import { fileError, openFile, readWholeFile, type OpenFile } from '../read-file.js';
import { fromTfjs, tfjsWeightGroups, type TfjsWeightGroup } from './tfjs.js';

/** model.json holds the topology and the manifest, not the weights: a few KiB to a few MiB. */
const MODEL_JSON = { kind: 'TF.js model.json', maxBytes: 64 << 20 };

/** The file a weight path names, inside `dir` (model.json's folder); errors name the manifest and the path. */
async function weightFile(manifest: string, dir: string, p: string): Promise<string> {
  const fail = (what: string): never => {
    throw new Error(`${manifest}: weight path "${p}" ${what}; weight files must be in the folder of model.json`);
  };
  if (path.isAbsolute(p) || path.win32.isAbsolute(p)) fail('is absolute');
  const file = path.join(dir, p);
  const inside = (root: string, target: string) => {
    const rel = path.relative(root, target);
    return !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  if (!inside(dir, file)) fail('leaves the folder');
  const [realDir, real] = await Promise.all([realpath(dir), realpath(file)]).catch((e: unknown) => {
    throw new Error(`${manifest}: its weight file ${fileError(file, e, 'read', 'weight file').message}`);
  });
  if (!inside(realDir, real)) fail(`is a symbolic link leading out of the folder (to ${real})`);
  return file;
}

/** Opens the files of one manifest group; on an error, closes those already open. */
async function openGroup(manifest: string, files: string[], maxBytes: number): Promise<OpenFile[]> {
  const open: OpenFile[] = [];
  try {
    for (const file of files) {
      open.push(await openFile(file, { kind: 'TF.js weight file', maxBytes }).catch((e: Error) => {
        throw new Error(`${manifest}: its weight file ${e.message}`);
      }));
    }
    return open;
  } catch (e) {
    await Promise.all(open.map((f) => f.close()));
    throw e;
  }
}

/** model.json, parsed and checked, and the files of each of its weight groups, found but not read. */
export interface TfjsFiles {
  manifest: string;
  json: unknown;
  groups: (TfjsWeightGroup & { files: string[] })[];
}

/** Reads model.json and finds the weight files it names (each inside its folder), reading none of them: what import checks its --out against. */
export async function findTfjsFiles(manifest: string): Promise<TfjsFiles> {
  const text = new TextDecoder().decode(await readWholeFile(manifest, MODEL_JSON));
  if (text.startsWith(MODEL_MAGIC)) throw new Error(`${manifest}: a simdnet model file already, not a TF.js model.json: it needs no import (eval, predict, report and export read it)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // JSON.parse quotes the text it failed on: a binary file's control bytes would reach the terminal.
    throw new Error(`${manifest}: not JSON (${(e as Error).message.replace(/[\x00-\x1f\x7f]/g, '?')})`);
  }
  const dir = path.dirname(manifest);
  const groups: TfjsFiles['groups'] = [];
  for (const group of tfjsWeightGroups(json, manifest).groups) {
    groups.push({ ...group, files: await Promise.all(group.paths.map((p) => weightFile(manifest, dir, p))) });
  }
  return { manifest, json, groups };
}

/** The model of a TF.js layers model.json and the weight files findTfjsFiles found; errors name the file at fault. */
export async function readTfjsWeights({ manifest, json, groups }: TfjsFiles): Promise<Model> {
  const parts: Uint8Array[] = [];
  for (const group of groups) {
    const files = await openGroup(manifest, group.files, group.bytes);
    try {
      const held = files.reduce((n, f) => n + f.size, 0);
      if (held !== group.bytes) {
        throw new Error(`${manifest}: its weight files ${group.paths.join(', ')} hold ${held} bytes; their weights take ${group.bytes}`);
      }
      for (const f of files) parts.push(await f.read(0, f.size));
    } finally {
      await Promise.all(files.map((f) => f.close()));
    }
  }
  return fromTfjs(json, new Uint8Array(Buffer.concat(parts)), manifest);
}
