// The progress bar in a real terminal: `simdnet train` runs under a pseudo-terminal (util-linux
// `script`, in Debian's essential bsdutils), and its raw output is replayed into a headless
// xterm.js, the terminal emulator of VS Code's terminal, to read the screen a user is left with.
import { execFile } from 'node:child_process';
import xterm from '@xterm/headless';
import { describe, expect, it } from 'vitest';

const ROWS = 50;

const shellQuote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/** The bytes a terminal of `columns` × ROWS receives while `simdnet ...args` runs in it. */
function runInPty(columns: number, args: string[]): Promise<{ code: number; output: Buffer }> {
  const command = [process.execPath, '--import', 'tsx', 'src/cli.ts', ...args].map(shellQuote).join(' ');
  // stty gives the pty a size (without a controlling terminal it has none): the bar fits it.
  const script = `stty cols ${columns} rows ${ROWS}; exec ${command}`;
  return new Promise((resolve) => {
    const child = execFile('script', ['--quiet', '--flush', '--return', '--command', script, '/dev/null'],
      { encoding: 'buffer', maxBuffer: 64 << 20 }, (error, stdout) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout });
      });
    child.stdin?.end();
  });
}

/**
 * Every line of the terminal after `output` (scrollback, then the screen), rows that the
 * terminal wrapped joined again, trailing blanks cut.
 */
async function screenAfter(columns: number, output: Buffer): Promise<string[]> {
  const terminal = new xterm.Terminal({ cols: columns, rows: ROWS, scrollback: 10_000, allowProposedApi: true });
  await new Promise<void>((resolve) => terminal.write(output, resolve));
  const buffer = terminal.buffer.active, lines: string[] = [];
  for (let y = 0; y < buffer.length; y++) {
    const row = buffer.getLine(y)!;
    if (row.isWrapped && lines.length > 0) lines[lines.length - 1] += row.translateToString(true);
    else lines.push(row.translateToString(true));
  }
  terminal.dispose();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

describe('simdnet train in a terminal', () => {
  // At 80 columns the epoch lines (~105 characters) wrap.
  it.each([120, 80, 60])('keeps every epoch line on a %i-column screen, in order, with the summary below them and no bar left', async (columns) => {
    const { code, output } = await runInPty(columns, ['train', '--limit', '2000', '--epochs', '3', '--threads', '1']);
    const screen = await screenAfter(columns, output);
    expect(code, screen.join('\n')).toBe(0);
    expect(output.toString('utf8'), 'the bar was drawn').toMatch(/% \| (\d+ samples\/s \| )?loss /);

    const epochRows = [1, 2, 3].map((k) => {
      // The whole line as the program wrote it: none of it may be cut off on the screen.
      const written = new RegExp(`Epoch ${k}/3: Train Loss = [^\r\n]*Test Acc = \\d\\.\\d{4}`).exec(output.toString('utf8'))![0];
      const rows = screen.flatMap((line, y) => (line === written ? [y] : []));
      expect(rows, `"${written}" on the screen:\n${screen.join('\n')}`).toHaveLength(1);
      return rows[0];
    });
    expect(epochRows[1]).toBe(epochRows[0] + 1);
    expect(epochRows[2]).toBe(epochRows[1] + 1);
    expect(screen[epochRows[0] - 1]).toMatch(/^data: /);
    expect(screen[epochRows[2] + 1]).toBe('');
    expect(screen[epochRows[2] + 2]).toBe('Final Metrics:');
    expect(screen.filter((line) => line === 'Final Metrics:')).toHaveLength(1);
    expect(screen.some((line) => /% \| (\d+ samples\/s \| )?loss /.test(line)), 'bar residue').toBe(false);
    expect(screen.at(-1)).toBe('model not saved (give --out FILE to keep it)');
    // Each drawing of the bar fits the line whole, its ETA at the end ('…' until there is one; on 80 columns it lost its unit).
    const drawings = output.toString('utf8').split(/\x1b\[[0-9;?]*[A-Za-z]|\r|\n/).filter((part) => /^epoch \d\/3 /.test(part));
    expect(drawings.length).toBeGreaterThan(1);
    for (const bar of drawings) {
      // On 60 columns without the bar and the rate.
      const form = columns > 60 ? /^epoch \d\/3 \[[█░]+\] \d+% \| \d+ samples\/s \| loss \d+\.\d{4} \| ETA / : /^epoch \d\/3 \d+% \| loss \d+\.\d{4} \| ETA /;
      expect(bar).toMatch(form);
      expect(bar).toMatch(/ETA (…|\d+s|\d+m\d{2}s|\d+h\d{2}m)$/);
      expect([...bar].length).toBeLessThan(columns);
    }
  }, 120_000);
});
