// Whether large kernel calls are split across threads, decided by measuring. On a busy
// machine a thread may wait for a core, and a split call then runs slower than on one
// thread; so the governor keeps comparing. It runs in one mode for RUN_MS, then measures
// that mode and the other for PROBE_MS each (throughput: work of the calls it was asked
// about per ms of wall time, the serial work in between included) and keeps the faster.
// On an idle machine that costs one probe window in RUN_MS at the one-thread rate.

/** ms in the chosen mode between two comparisons. */
export const RUN_MS = 480;
/** ms each mode is measured for in a comparison. */
export const PROBE_MS = 20;
/** The other mode must beat the current one by this factor to be switched to (noise). */
const SWITCH_FACTOR = 1.05;
/** A window that lasted this many times its length had an idle gap in it (the caller paused): its rate is dropped. */
const IDLE_FACTOR = 4;

const enum Phase { Run, MeasureCurrent, MeasureOther }
const LENGTH = [RUN_MS, PROBE_MS, PROBE_MS];

export class ThreadGovernor {
  private threaded = true;
  private phase = Phase.Run;
  private phaseStart: number;
  private work = 0;
  private currentRate = 0;
  /** Calls split and calls kept on one thread, for tests and the curious. */
  readonly calls = { split: 0, single: 0 };

  constructor(private readonly clock: () => number = () => performance.now()) {
    this.phaseStart = clock();
  }

  /** Whether the next large call, of `work` (≈ flops), is split; its work counts toward the current window. */
  split(work: number): boolean {
    const now = this.clock();
    if (now - this.phaseStart >= LENGTH[this.phase]) this.advance(now);
    this.work += work;
    const split = this.phase === Phase.MeasureOther ? !this.threaded : this.threaded;
    this.calls[split ? 'split' : 'single']++;
    return split;
  }

  /** Whether calls are split now, outside a probe of the other mode. */
  get threadedNow(): boolean {
    return this.threaded;
  }

  private advance(now: number): void {
    const elapsed = now - this.phaseStart, rate = this.work / elapsed;
    this.phaseStart = now;
    this.work = 0;
    if (this.phase !== Phase.Run && elapsed > IDLE_FACTOR * LENGTH[this.phase]) {
      this.phase = Phase.MeasureCurrent;
      return;
    }
    if (this.phase === Phase.Run) this.phase = Phase.MeasureCurrent;
    else if (this.phase === Phase.MeasureCurrent) {
      this.currentRate = rate;
      this.phase = Phase.MeasureOther;
    } else {
      if (rate > SWITCH_FACTOR * this.currentRate) this.threaded = !this.threaded;
      this.phase = Phase.Run;
    }
  }
}
