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

export function progressBar(stream: NodeJS.WriteStream): Progress {
  if (!stream.isTTY) return { update() {}, interrupt: (print) => print(), stop() {} };
  const bar = new cliProgress.SingleBar({
    stream,
    format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | {rate} samples/s | loss {loss} | ETA {eta_formatted}',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 200,
    // The bar is cut to the terminal's width rather than turning line wrapping off, which
    // would also cut the evaluation lines printed while it runs.
    linewrap: true,
    // Redraw even when the text is unchanged: interrupt() cleared the line it was on.
    forceRedraw: true,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(p) {
      const total = p.epochs * p.batches, value = (p.epoch - 1) * p.batches + p.batch;
      const payload = { epoch: p.epoch, epochs: p.epochs, rate: Math.round(p.samplesPerSecond), loss: p.loss.toFixed(4) };
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
