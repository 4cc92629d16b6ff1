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

export function progressBar(stream: NodeJS.WriteStream): Progress {
  if (!stream.isTTY) return { update() {}, interrupt: (print) => print(), stop() {} };
  const bar = new cliProgress.SingleBar({
    stream,
    format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | {rate} samples/s | loss {loss} | ETA {eta_formatted}',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 200,
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
      if (started) {
        stream.clearLine(0);
        stream.cursorTo(0);
      }
      print();
      if (started) bar.render();
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
