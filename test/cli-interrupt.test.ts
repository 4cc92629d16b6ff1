// Ctrl-C (SIGINT) and SIGTERM during `simdnet train`, sent for real to the built command run by a
// real shell, or typed in a pseudo-terminal (util-linux `script`, read back by a headless
// xterm.js): one line on stderr says what was kept, no temporary file or lock is left in the
// checkpoint folder, and the shell sees the status of a process killed by the signal (130, 143).
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import xterm from '@xterm/headless';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE, readCheckpoint } from '../src/commands/checkpoint.js';

const cli = path.resolve('dist/cli.js');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'simdnet-interrupt-'));
});

interface Interrupted { status: number; stdout: string; stderr: string }

/**
 * `simdnet train ...args` started by bash, which reports the status it sees; `signal` is sent to
 * simdnet once `ready` returns true for what it has printed on stdout, or when `ready` is called
 * with the name of a file that appeared in `watched` (a checkpoint folder).
 */
function interruptTrain(args: string[], signal: NodeJS.Signals, ready: (stdout: string, newFile?: string) => boolean, watched?: string): Promise<Interrupted> {
  const script = '"$@" & echo "pid $!" >&2; wait $!; echo "status $?" >&2';
  const shell = spawn('bash', ['-c', script, 'bash', process.execPath, cli, 'train', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '', pid: number | undefined, sent = false;
  const send = (ok: boolean) => {
    if (ok && pid !== undefined && !sent) {
      sent = true;
      process.kill(pid, signal);
    }
  };
  const watcher = watched === undefined ? undefined : watch(watched, (_, name) => send(name !== null && ready(stdout, name)));
  shell.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    send(ready(stdout));
  });
  shell.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
    pid ??= Number(/^pid (\d+)$/m.exec(stderr)?.[1]) || undefined;
  });
  return new Promise((resolve) => shell.on('close', () => {
    watcher?.close();
    const status = Number(/^status (\d+)$/m.exec(stderr)?.[1]);
    resolve({ status, stdout, stderr: stderr.replace(/^(pid|status) \d+\n/gm, '') });
  }));
}

const small = ['--limit', '300', '--hidden', '16', '--threads', '1'];

describe('simdnet train, interrupted', () => {
  it('Ctrl-C (SIGINT) after the first epoch without --checkpoint: "nothing was saved", status 130', async () => {
    const run = await interruptTrain([...small, '--epochs', '1000'], 'SIGINT', (stdout) => stdout.includes('Epoch 1/1000'));
    expect(run.stderr).toBe('simdnet: interrupted; nothing was saved\n');
    expect(run.status).toBe(130);
    expect(run.stdout).not.toContain('Final Metrics');
  }, 60_000);

  // 64 images train in three batches; an evaluation of 10,000 through 4,000 hidden units takes about 2 s on one thread,
  // and after epoch 1's line nothing but such evaluations let the event loop run.
  const long = ['--limit', '64', '--hidden', '4000', '--threads', '1', '--epochs', '2'];

  it('Ctrl-C during the last epoch\'s evaluation ends the run there (130), where it waited seconds for the evaluation and then exited 0', async () => {
    const run = await interruptTrain(long, 'SIGINT', (stdout) => stdout.includes('Epoch 1/2'));
    expect([run.status, run.stderr]).toEqual([130, 'simdnet: interrupted; nothing was saved\n']);
    expect(run.stdout).not.toContain('Epoch 2/2');
  }, 60_000);

  it('Ctrl-C during the summary\'s evaluation of the test set, after the last epoch, ends the run there (130), where it exited 0', async () => {
    const run = await interruptTrain(long, 'SIGINT', (stdout) => stdout.includes('Epoch 2/2'));
    expect([run.status, run.stderr]).toEqual([130, 'simdnet: interrupted; nothing was saved\n']);
    expect(run.stdout).not.toContain('Final Metrics');
  }, 60_000);

  it('SIGTERM after two epochs with --checkpoint DIR: the line names the epoch the checkpoint holds and DIR, status 143, no lock left', async () => {
    const folder = path.join(dir, 'two');
    const run = await interruptTrain([...small, '--epochs', '1000', '--checkpoint', folder], 'SIGTERM', (stdout) => stdout.includes('Epoch 2/1000'));
    expect(run.status).toBe(143);
    // Epoch 2's checkpoint is begun as its line is printed; a signal that comes during that write
    // waits for it. An epoch here takes milliseconds, so a busy host may deliver the signal a few
    // epochs later: the line must name the epoch the checkpoint holds, whichever it is.
    const { run: saved } = await readCheckpoint(folder);
    expect(saved.epochsDone).toBeGreaterThanOrEqual(2);
    expect(run.stderr).toBe(`simdnet: interrupted; the last checkpoint (epoch ${saved.epochsDone}) is in ${folder}\n`);
    expect(readdirSync(folder)).toEqual([CHECKPOINT_FILE]);
  }, 60_000);

  it('Ctrl-C while the first checkpoint is being written finishes that write and keeps it', async () => {
    // A wide network, so that its checkpoint (weights and momentum, 12.6 MB) takes a while to write.
    const folder = path.join(dir, 'writing');
    mkdirSync(folder);
    const temporary = new RegExp(`^${CHECKPOINT_FILE.replace('.', '\\.')}\\.\\d+\\.[0-9a-f]{8}\\.tmp$`);
    let seen: string | undefined;
    const run = await interruptTrain(['--limit', '300', '--hidden', '2000', '--threads', '1', '--epochs', '30', '--checkpoint', folder], 'SIGINT', (_, file) => {
      if (file !== undefined && temporary.test(file)) seen ??= file;
      return seen !== undefined;
    }, folder);
    expect(seen).toBeDefined();
    expect(run.status).toBe(130);
    expect(run.stderr).toBe(`simdnet: interrupted; the last checkpoint (epoch 1) is in ${folder}\n`);
    expect((await readCheckpoint(folder)).run.epochsDone).toBe(1);
    expect(readdirSync(folder)).toEqual([CHECKPOINT_FILE]);
  }, 60_000);
});

describe('simdnet train in a terminal, interrupted by Ctrl-C', () => {
  /** The bytes a 120-column terminal receives while `simdnet train ...args` runs in it, Ctrl-C typed once `ready` says so; and the status. */
  function ctrlCInPty(args: string[], ready: (output: string) => boolean): Promise<{ status: number; output: string }> {
    const command = [process.execPath, cli, 'train', ...args].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
    return new Promise((resolve) => {
      const child = execFile('script', ['--quiet', '--flush', '--return', '--command', `stty cols 120 rows 50; exec ${command}`, '/dev/null'],
        { encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout) => resolve({ status: error ? Number(error.code) : 0, output: stdout }));
      let output = '', typed = false;
      child.stdout!.on('data', (chunk: string) => {
        output += chunk;
        if (!typed && ready(output)) {
          typed = true;
          child.stdin!.write('\x03');
        }
      });
    });
  }

  it('the line replaces the progress bar, the cursor the bar hid is shown again, status 130', async () => {
    const { status, output } = await ctrlCInPty([...small, '--epochs', '1000'], (o) => o.includes('samples/s | loss') && o.includes('Epoch 1/1000'));
    expect(status).toBe(130);
    const terminal = new xterm.Terminal({ cols: 120, rows: 50, allowProposedApi: true });
    await new Promise<void>((resolve) => terminal.write(output, resolve));
    const buffer = terminal.buffer.active;
    const lines = Array.from({ length: buffer.length }, (_, y) => buffer.getLine(y)!.translateToString(true)).filter((l) => l !== '');
    terminal.dispose();
    expect(lines.at(-1)).toBe('simdnet: interrupted; nothing was saved');
    expect(lines.join('\n')).not.toContain('samples/s | loss');
    expect(output.lastIndexOf('\x1b[?25h')).toBeGreaterThan(output.lastIndexOf('\x1b[?25l'));
  }, 60_000);
});
