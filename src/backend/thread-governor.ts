// Whether large kernel calls are split across threads, decided by measuring. On a busy
// machine a thread may wait for a core, and a split call then runs slower than on one
// thread; so the governor keeps comparing. A comparison is PROBES pairs of turns, each
// mode PROBE_MS a turn, in the order current–other, other–current, … (so that a drift of
// the machine's load or of compilation falls on both); a turn's throughput is the work of
// the calls it was asked about per ms those calls took, from SETTLE_MS into the turn (or
// all its calls, when none began later). The serial work between calls is left out: it
// runs alike in both modes, and its noise (a batch gathered from cold memory, a garbage
// collection, the event loop) would drown a gain of 1.3× in turns of PROBE_MS.
// The other mode wins only if it wins every pair. The first pair it loses ends the
// comparison: on a busy machine a turn on threads is what costs, and that turn then comes
// once, not PROBES times. The price is that pair 0, current–other, decides a loss alone:
// a drift against the second turn is no longer balanced by an other–current pair. A turn
// of the other mode that runs below EARLY_LOSS of the current mode's rate after CUT_MS of
// measured calls ends there, lost: with a busy process on the other core, turns on threads
// ran at 0.07–0.6× one thread's rate (bench/contention.ts), and a cut turn lasts ~7 ms
// where a whole one lasted PROBE_MS at that rate. The
// winner is kept for a run of FIRST_RUN_MS, and each comparison that keeps the mode doubles
// the next run, up to RUN_MS: a decision taken early, on a machine still settling, is
// checked again soon, and a settled one costs little. It starts on one thread, so that no
// run is slower with threads than without until threads have shown they are faster: the
// first comparison comes after WARMUP_MS. Once settled on threads, a comparison costs at
// most PROBES · PROBE_MS at the one-thread rate in every RUN_MS.

/**
 * ms before the first comparison, not measured: V8 compiles the kernels' optimised code
 * in the first ~100 ms on another core (measured here: a training step is at its steady
 * time after 60 ms on one thread and 140 ms on two), and a comparison then would measure
 * the compiler, not the threads.
 */
export const WARMUP_MS = 150;
/** ms of one turn of a mode in a comparison, and turns of each mode. */
export const PROBE_MS = 25;
/**
 * ms at the start of each turn whose calls are not measured: a mode just switched to first
 * moves the data its threads touch into their caches and wakes a sleeping worker. Measured
 * here, split calls ran at 0.6–0.9× their steady rate in the first turn after a run on one
 * thread, enough to hide a gain of 1.4×.
 */
export const SETTLE_MS = 5;
export const PROBES = 2;
/** ms in the chosen mode after a comparison that switched modes (and after the first one)… */
export const FIRST_RUN_MS = 250;
/** …doubled after each comparison that kept the mode, up to this. */
export const RUN_MS = 2000;
/**
 * One thread must beat threads by this factor to be switched to; threads only need to beat
 * one thread. Turns are short and a shared machine is noisy: this keeps threads from being
 * dropped on noise alone where they are as fast.
 */
const TO_ONE_THREAD = 1.15;
/**
 * A turn of the other mode below this share of the current mode's rate, after CUT_MS of its
 * calls measured, has lost. Far below the 0.6–0.9× of a turn's first calls (SETTLE_MS) and
 * the noise between turns: only a mode that is plainly slower is cut short.
 */
export const EARLY_LOSS = 0.5;
/** ms of measured calls after which a turn of the other mode may be cut short. */
export const CUT_MS = 2;
/** A turn that lasted this many times its length had an idle gap in it (the caller paused): the comparison starts over. */
const IDLE_FACTOR = 4;

export class ThreadGovernor {
  private threaded = false;
  /** −1 while running in the chosen mode; else the turn of the comparison (see isOtherTurn). */
  private turn = -1;
  private phaseStart: number;
  private phaseLength = WARMUP_MS;
  /** ms of the next run in the chosen mode. */
  private runLength = FIRST_RUN_MS;
  private work = 0;
  /** ms the calls of this turn took, and when the call being run began. */
  private busy = 0;
  private callStart = 0;
  /** Whether the call being run counts toward its turn (it began after SETTLE_MS). */
  private measured = true;
  /** The work and ms of the turn's calls that began within SETTLE_MS: its rate when no call began after (calls of SETTLE_MS or longer). */
  private settleWork = 0;
  private settleBusy = 0;
  /** The current mode's rate in the pair being measured. */
  private currentRate = 0;
  /** The other mode's rate in the pair being measured. */
  private otherRate = 0;

  constructor(private readonly clock: () => number = () => performance.now()) {
    this.phaseStart = clock();
  }

  /** Whether the next large call, of `work` (≈ flops), is split; within a comparison its work counts toward the turn. Call done() when it returns. */
  split(work: number): boolean {
    const now = this.clock();
    const losing = this.losingPlainly();
    if (losing || now - this.phaseStart >= this.phaseLength) this.advance(now, losing);
    if (this.turn >= 0) {
      this.measured = now - this.phaseStart >= SETTLE_MS;
      if (this.measured) this.work += work;
      else this.settleWork += work;
      this.callStart = now;
    }
    return this.isOtherTurn() ? !this.threaded : this.threaded;
  }

  /** The call that split() was asked about has returned: within a comparison, its time counts toward the turn. */
  done(): void {
    if (this.turn < 0) return;
    if (this.measured) this.busy += this.clock() - this.callStart;
    else this.settleBusy += this.clock() - this.callStart;
  }

  /** Whether calls are split now, outside a turn of the other mode. */
  get threadedNow(): boolean {
    return this.threaded;
  }

  /** Whether the other mode's turn so far runs below EARLY_LOSS of the current mode's last rate (after CUT_MS measured). */
  private losingPlainly(): boolean {
    return this.isOtherTurn() && this.busy >= CUT_MS && this.work / this.busy < EARLY_LOSS * this.currentRate;
  }

  /** Ends the turn (or run) under way and starts the next; `cutShort`: the other mode's turn has lost already. */
  private advance(now: number, cutShort = false): void {
    const ms = now - this.phaseStart, settled = this.busy > 0;
    const work = settled ? this.work : this.settleWork, busy = settled ? this.busy : this.settleBusy;
    this.phaseStart = now;
    this.work = this.busy = this.settleWork = this.settleBusy = 0;
    this.phaseLength = PROBE_MS;
    if (this.turn < 0 || ms > IDLE_FACTOR * PROBE_MS) {
      this.turn = 0;
      return;
    }
    if (this.isOtherTurn()) this.otherRate = work / busy;
    else this.currentRate = work / busy;
    const lost = cutShort || (this.turn % 2 === 1 && !(this.otherRate > (this.threaded ? TO_ONE_THREAD : 1) * this.currentRate));
    // A pair lost decides the comparison: the turns left would only cost time in the slower mode.
    if (++this.turn < 2 * PROBES && !lost) return;
    // The comparison ran all its turns only if the other mode won every pair.
    if (!lost) {
      this.threaded = !this.threaded;
      this.runLength = FIRST_RUN_MS;
    }
    this.turn = -1;
    this.phaseLength = this.runLength;
    this.runLength = Math.min(RUN_MS, 2 * this.runLength);
  }

  /** Turns 0, 1 | 2, 3 | 4, 5 … measure current–other | other–current | current–other … */
  private isOtherTurn(): boolean {
    if (this.turn < 0) return false;
    const pair = this.turn >> 1, second = (this.turn & 1) === 1;
    return (pair % 2 === 0) === second;
  }
}
