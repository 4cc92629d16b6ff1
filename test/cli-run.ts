// Running node programs as a user does — the built simdnet command (dist/cli.js) above all —
// and measuring their peak memory.
import { execFile } from 'node:child_process';

export interface Run { code: number; stdout: string; stderr: string }

/** `node ...args`; `prefix` runs it under another program (e.g. /usr/bin/time -v). */
export function node(args: string[], prefix: string[] = []): Promise<Run> {
  const [command, ...rest] = [...prefix, process.execPath, ...args];
  return new Promise((resolve) => {
    execFile(command, rest, { encoding: 'utf8', maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** `simdnet ...args` via dist/cli.js. */
export const simdnet = (args: string[]): Promise<Run> => node(['dist/cli.js', ...args]);

/**
 * `node ...args` and its peak resident memory in MiB, from GNU time's "Maximum resident set
 * size". Measured by /usr/bin/time, not by the child itself: Linux carries a forked
 * process's peak across exec, so a child of the test runner would start at the runner's peak.
 */
export async function nodeMeasured(args: string[]): Promise<Run & { peakMiB: number }> {
  const run = await node(args, ['/usr/bin/time', '-v']);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no memory figure from /usr/bin/time -v in: ${run.stderr}`);
  return { ...run, stderr: run.stderr.replace(/^(Command exited with|\tCommand being timed)[^]*$/m, ''), peakMiB: kb / 1024 };
}

/** `simdnet ...args` and its peak memory, as nodeMeasured. */
export const simdnetMeasured = (args: string[]) => nodeMeasured(['dist/cli.js', ...args]);
