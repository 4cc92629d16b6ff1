// Training progress on the terminal: a bar with samples/s, loss and ETA on a TTY;
// nothing per batch otherwise (the evaluation lines are the log).
import cliProgress from 'cli-progress';
import type { BatchProgress } from './train.js';

export interface Progress {
  update(p: BatchProgress): void;
  /** Clears the bar so that a line can be printed, and redraws it after. */
  interrupt(print: () => void): void;
  stop(): void;
}

/** DECSC: the terminal remembers where the cursor is (cli-progress's stop() goes back there). */
const SAVE_CURSOR = '\x1b7';

/**
 * The bar's line, from the widest to the narrowest, each for a terminal as wide as its widest
 * text (epoch 1000/1000, 100%, 999,999 samples/s, loss 99.9999, ETA 99h59m) and its bar: on
 * 80 columns the ETA at its end was cut off, on 60 every frame lost it.
 */
const LINES = [
  { format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | {rate} samples/s | loss {loss} | ETA {timeLeft}', widest: 'epoch 1000/1000 [] 100% | 999999 samples/s | loss 99.9999 | ETA 99h59m' },
  { format: 'epoch {epoch}/{epochs} {percentage}% | {rate} samples/s | loss {loss} | ETA {timeLeft}', widest: 'epoch 1000/1000 100% | 999999 samples/s | loss 99.9999 | ETA 99h59m' },
  { format: 'epoch {epoch}/{epochs} {percentage}% | loss {loss} | ETA {timeLeft}', widest: 'epoch 1000/1000 100% | loss 99.9999 | ETA 99h59m' },
];
/** The narrowest bar worth drawing. */
const MIN_BAR = 8;

/** The line for a terminal of `columns`, and its bar's width. */
function lineFor(columns: number): { format: string; barsize: number } {
  const [withBar, ...without] = LINES;
  if (columns > withBar.widest.length + MIN_BAR) return { format: withBar.format, barsize: Math.min(24, columns - withBar.widest.length - 1) };
  return { format: (without.find((l) => l.widest.length < columns) ?? without.at(-1)!).format, barsize: 0 };
}

/** Seconds as the bar shows them: 45s, 3m05s, 2h10m. */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressBar(stream: NodeJS.WriteStream): Progress {
  if (!stream.isTTY) return { update() {}, interrupt: (print) => print(), stop() {} };
  const bar = new cliProgress.SingleBar({
    stream,
    // The whole line within the terminal: what is past its width is cut.
    ...lineFor(stream.columns || 80),
    hideCursor: true,
    clearOnComplete: true,
    // The bar is cut to the terminal's width rather than turning line wrapping off, which
    // would also cut the evaluation lines printed while it runs.
    linewrap: true,
    // Redraw even when the text is unchanged: interrupt() cleared the line it was on.
    forceRedraw: true,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  // The ETA from the time per batch since the first update, evaluations included (they are part of the wait); '…' until there is one.
  let since = 0, from = 0;
  return {
    update(p) {
      const total = p.epochs * p.batches, value = (p.epoch - 1) * p.batches + p.batch, now = performance.now();
      if (!started) [since, from] = [now, value];
      const timeLeft = value > from ? duration(((now - since) / 1000 / (value - from)) * (total - value)) : '…';
      const payload = { epoch: p.epoch, epochs: p.epochs, rate: Math.round(p.samplesPerSecond), loss: p.loss.toFixed(4), timeLeft };
      if (!started) bar.start(total, value, payload);
      else bar.update(value, payload);
      started = true;
    },
    interrupt(print) {
      if (!started) return print();
      stream.cursorTo(0);
      stream.clearLine(0);
      print();
      // The bar now lives on the line below the printed one. start() saved the cursor on
      // its first line and stop() restores it before clearing the bar: without saving it
      // again here, stop() would erase the first printed line and what follows would be
      // written over the ones after it.
      stream.write(SAVE_CURSOR);
      bar.render();
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
