// Running the built simdnet command (dist/cli.js) as a user does, and measuring its peak memory.
import { execFile } from 'node:child_process';

export interface Run { code: number; stdout: string; stderr: string }

/** `simdnet ...args` via dist/cli.js; `prefix` runs it under another program (e.g. /usr/bin/time -v). */
export function simdnet(args: string[], prefix: string[] = []): Promise<Run> {
  const [command, ...rest] = [...prefix, process.execPath, 'dist/cli.js', ...args];
  return new Promise((resolve) => {
    execFile(command, rest, { encoding: 'utf8', maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The run and its peak resident memory in MiB, from GNU time's "Maximum resident set size". */
export async function simdnetMeasured(args: string[]): Promise<Run & { peakMiB: number }> {
  const run = await simdnet(args, ['/usr/bin/time', '-v']);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no memory figure from /usr/bin/time -v in: ${run.stderr}`);
  return { ...run, stderr: run.stderr.replace(/^(Command exited with|\tCommand being timed)[^]*$/m, ''), peakMiB: kb / 1024 };
}
