// Whether large kernel calls are split across threads, decided by measuring. On a busy
// machine a thread may wait for a core, and a split call then runs slower than on one
// thread; so the governor keeps comparing. A comparison is PROBES pairs of turns, each
// mode PROBE_MS a turn, in the order current–other, other–current, … (so that a drift of
// the machine's load or of compilation falls on both); a turn's throughput is the work of
// the calls it was asked about per ms of wall time, the serial work in between included.
// The other mode wins only if it wins every pair; the winner is kept for RUN_MS.
// It starts on one thread, so that no run is slower with threads than without until
// threads have shown they are faster: the first comparison comes after WARMUP_MS (the
// compilation of the first calls would blur it). Once on threads, a comparison costs
// PROBES · PROBE_MS at the one-thread rate in every RUN_MS.

/** ms before the first comparison, not measured. */
export const WARMUP_MS = 20;
/** ms of one turn of a mode in a comparison, and turns of each mode. */
export const PROBE_MS = 25;
export const PROBES = 2;
/** ms in the chosen mode between two comparisons. */
export const RUN_MS = 2000;
/**
 * One thread must beat threads by this factor to be switched to; threads only need to beat
 * one thread. Turns are short and a shared machine is noisy: this keeps threads from being
 * dropped on noise alone where they are as fast.
 */
const TO_ONE_THREAD = 1.15;
/** A turn that lasted this many times its length had an idle gap in it (the caller paused): the comparison starts over. */
const IDLE_FACTOR = 4;

export class ThreadGovernor {
  private threaded = false;
  /** −1 while running in the chosen mode; else the turn of the comparison (see isOtherTurn). */
  private turn = -1;
  private phaseStart: number;
  private phaseLength = WARMUP_MS;
  private work = 0;
  /** The current mode's rate in the pair being measured. */
  private currentRate = 0;
  /** The other mode's rate in the pair being measured. */
  private otherRate = 0;
  /** Pairs of this comparison that the other mode won. */
  private otherWins = 0;

  constructor(private readonly clock: () => number = () => performance.now()) {
    this.phaseStart = clock();
  }

  /** Whether the next large call, of `work` (≈ flops), is split; its work counts toward the current turn. */
  split(work: number): boolean {
    const now = this.clock();
    if (now - this.phaseStart >= this.phaseLength) this.advance(now);
    this.work += work;
    return this.isOtherTurn() ? !this.threaded : this.threaded;
  }

  /** Whether calls are split now, outside a turn of the other mode. */
  get threadedNow(): boolean {
    return this.threaded;
  }

  private advance(now: number): void {
    const ms = now - this.phaseStart, work = this.work;
    this.phaseStart = now;
    this.work = 0;
    this.phaseLength = PROBE_MS;
    if (this.turn < 0 || ms > IDLE_FACTOR * PROBE_MS) {
      this.startComparison();
      return;
    }
    if (this.isOtherTurn()) this.otherRate = work / ms;
    else this.currentRate = work / ms;
    if (this.turn % 2 === 1 && this.otherRate > (this.threaded ? TO_ONE_THREAD : 1) * this.currentRate) this.otherWins++;
    if (++this.turn < 2 * PROBES) return;
    if (this.otherWins === PROBES) this.threaded = !this.threaded;
    this.turn = -1;
    this.phaseLength = RUN_MS;
  }

  /** Turns 0, 1 | 2, 3 | 4, 5 … measure current–other | other–current | current–other … */
  private isOtherTurn(): boolean {
    if (this.turn < 0) return false;
    const pair = this.turn >> 1, second = (this.turn & 1) === 1;
    return (pair % 2 === 0) === second;
  }

  private startComparison(): void {
    this.turn = 0;
    this.otherWins = 0;
  }
}
