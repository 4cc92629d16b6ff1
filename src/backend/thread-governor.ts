// Whether large kernel calls are split across threads, decided by measuring. On a busy
// machine a thread may wait for a core, and a split call then runs slower than on one
// thread; so the governor keeps comparing. A comparison is PROBES pairs of turns, each
// mode PROBE_MS a turn, in the order current–other, other–current, … (so that a drift of
// the machine's load or of compilation falls on both); two turns compare by the ms their
// calls took against their work, kernel by kernel (TurnCalls), from SETTLE_MS into each turn
// (or all its calls, when none began later). The serial work between calls is left out: it
// runs alike in both modes, and its noise (a batch gathered from cold memory, a garbage
// collection, the event loop) would drown a gain of 1.3× in turns of PROBE_MS.
// The other mode wins only if it wins every pair. The first pair it loses ends the
// comparison: on a busy machine a turn on threads is what costs, and that turn then comes
// once, not PROBES times. The price is that pair 0, current–other, decides a loss alone: a
// drift against the second turn is no longer balanced by an other–current pair. A turn of
// the other mode whose first CUT_MS of measured calls project below EARLY_LOSS of the
// current mode's rate over a whole turn (projectedSpeedup; EARLY_LOSS_ONE_THREAD for a turn
// on one thread) ends there, lost: with a busy
// process on the other core, turns on threads ran at 0.07–0.6× one thread's rate
// (bench/contention.ts), and a cut turn takes ~7 ms of calls where a whole one took
// PROBE_MS. The winner is kept for a run of FIRST_RUN_MS, and each comparison that keeps
// the mode doubles the next run, up to RUN_MS: a settled decision costs little. In the
// governor's first YOUNG_MS it doubles only after a clear comparison (threads kept or
// taken, or no cores idle for them): one thread kept on its measure may have measured
// threads while the code still compiled, and is checked again soon. Once settled on
// threads, a comparison costs at most PROBES · PROBE_MS at the one-thread rate in every
// RUN_MS. Where the platform tells how idle the machine's cores were (Node; not browsers), a
// comparison from one thread ends before its first turn on threads where the cores its
// workers want were idle less than IDLE_SHARE_NEEDED of the run and turn before it:
// something else keeps them busy (another process, or this one's other work), a turn on
// threads would only wait for a core, and it counts as a clear loss. A reading over too
// short a time tells nothing (platform.ts), and the comparison goes on.
//
// How it starts. Where the platform tells, its first PROBE_MS on one thread are an opening
// reading of the cores (open()): idle, threads are taken at once for a run of FIRST_RUN_MS,
// ended early where their calls run below EARLY_LOSS of the opening's own (a busy machine
// can read idle over so short a time), and the comparison after it keeps them only if they
// measure faster than one thread, as if it had taken them from one thread. A comparison in
// a process's first second measures the threads' side of the host while V8 still compiles
// it, and threads lost there: in five fresh processes starting on one thread, the seed's
// network took threads at 0.55–1.2 s (the CLI's figures with and without the opening are
// in README.md, under Threads). Busy, or where the
// platform cannot tell, it stays on one thread, so that no run is slower with threads than
// without until threads have shown they are faster: the first comparison comes WARMUP_MS
// after the first call of any governor over the same build (CompiledSince; not a network's
// making: a network may wait long before it is used), at once for a later network of the
// same process (once its opening has read the cores busy).

import type { IdleShare } from '../platform.js';

/**
 * ms before the first comparison, not measured: V8 compiles the kernels' optimised code
 * in the first ~100 ms on another core (measured here: a training step is at its steady
 * time after 60 ms on one thread and 140 ms on two), and a comparison then would measure
 * the compiler, not the threads. The code compiled is the process's, shared by every network
 * over the same build. Measured here: in a process that had trained a network, a new one's
 * steps on two threads took 97–114 µs over its first 150 ms, against 135–143 µs on one thread
 * (the process's first network: 189 µs on two, 150 on one).
 */
export const WARMUP_MS = 150;

/** When the first governor over a build was first asked about a call (NaN before): WARMUP_MS counts from there. One per build, shared by its networks. */
export interface CompiledSince {
  firstCall: number;
}
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
/** …doubled after each comparison that kept the mode, up to this… */
export const RUN_MS = 2000;
/**
 * …but in a governor's first YOUNG_MS, not doubled after keeping one thread on its
 * measure: comparisons then still measure code that V8 is compiling and caches still cold.
 * Measured here on the CNN bench's network, whose two threads train 1.5× as fast as one: its
 * comparisons at 0.19 and 0.49 s measured threads at 0.6–0.9× one thread, and with the run
 * doubled to 0.5 s it trained on one thread until 1.09 s; and the seed's network, the first
 * of its process, had its turns on threads at 0.18 and 0.47 s cut short (V8 compiling the
 * threads' side of the host on the other core). Threads kept or taken, or no cores idle
 * for them, are clear enough.
 */
export const YOUNG_MS = 1500;
/**
 * One thread must beat threads by this factor to be switched to; threads only need to beat
 * one thread. Turns are short and a shared machine is noisy: this keeps threads from being
 * dropped on noise alone where they are as fast.
 */
const TO_ONE_THREAD = 1.15;
/**
 * A turn on threads (the other mode, one thread chosen) whose first CUT_MS of measured calls
 * project below this share of one thread's rate over a whole turn (projectedSpeedup) has
 * lost. Far below the 0.6–0.9× of a turn's first calls (SETTLE_MS) and the noise between
 * turns: only a mode that is plainly slower is cut short.
 */
export const EARLY_LOSS = 0.5;
/**
 * The same for a turn on one thread while threads are the mode, over its first
 * CUT_MS_ONE_THREAD of measured calls: it must beat them by TO_ONE_THREAD to win, and on this
 * machine measured 0.57–0.67× their rate, so a projection this far below theirs is lost
 * already; cut, it costs SETTLE_MS + CUT_MS_ONE_THREAD on one thread instead of PROBE_MS in
 * each comparison. A loaded machine, where one thread would win, projects above it.
 */
export const EARLY_LOSS_ONE_THREAD = 0.85;
/** ms of measured calls after which a turn on threads may be cut short… */
export const CUT_MS = 2;
/**
 * …and a turn on one thread: longer, as its cut is nearer to what would win (a preemption of
 * a few ms, or a first kernel that threads run unusually fast, weighs less over it).
 */
export const CUT_MS_ONE_THREAD = 5;
/** A turn that lasted this many times its length had an idle gap in it (the caller paused): the comparison starts over. */
const IDLE_FACTOR = 4;
/**
 * The share of the time the cores the workers want were idle over a run on one thread below
 * which threads are not tried. Read here by the governor while bench/contention.ts ran: with
 * a busy process on the other of two cores, 0.0–0.1; with none, 0.8–1.0, 0.80 the first
 * reading of a process, over V8 compiling (turns on threads then ran at 0.07–0.6× and
 * 1.2–1.9× one thread's rate).
 */
export const IDLE_SHARE_NEEDED = 0.5;
/**
 * The same for the opening reading (open()), over the governor's first PROBE_MS: this
 * process's own start keeps the other core partly busy then (V8 compiling, the workers
 * starting). Read here in eight fresh processes on an idle machine: 0.33–1, four of them
 * below IDLE_SHARE_NEEDED; with a busy process on the other core, 0 in 200 of 200 readings
 * over 25 ms of a process under way, and 0 in four of five fresh processes (one read 0.67,
 * and trained on threads until its first comparison moved it back to one thread at 0.38 s).
 * Over 25 ms the platform counts in units of 10 ms: a quarter is any idle unit.
 */
export const OPENING_IDLE_NEEDED = 0.25;

/** What a governor is given beside its kernels. */
export interface GovernorOptions {
  /** ms now (performance.now by default; tests move their own). */
  clock?: () => number;
  /** The build's CompiledSince, shared with the other networks over it (its own by default). */
  compiled?: CompiledSince;
  /** How idle the cores its workers want were (platform.ts); none by default. */
  idleShare?: IdleShare | null;
  /** Threads beside the calling one that split calls: the cores a turn on threads wants (1 by default). */
  workers?: number;
}

/**
 * The work and ms of a turn's calls, kernel by kernel: the work estimates of two kernels are
 * not in one unit of time (sparse_rows' "4 per float" is not sparse_forward's "2 per
 * multiply-add"), so a turn of long calls (inference on 10,000 images: 1–8 ms a call, a few
 * calls a turn) would look faster or slower by which kernels fell in it. Measured here, before
 * turns were compared kernel by kernel: 2 threads adaptive ran inference at 540,000 or
 * 1,000,000 samples/s from one network to the next (one thread: 525,000).
 */
class TurnCalls {
  readonly work: Float64Array;
  readonly busy: Float64Array;
  /** ms of all its calls. */
  ms = 0;

  constructor(kernels: number) {
    this.work = new Float64Array(kernels);
    this.busy = new Float64Array(kernels);
  }

  add(op: number, work: number, ms: number): void {
    this.work[op] += work;
    this.busy[op] += ms;
    this.ms += ms;
  }

  copyFrom(other: TurnCalls): void {
    this.work.set(other.work);
    this.busy.set(other.busy);
    this.ms = other.ms;
  }

  clear(): void {
    this.work.fill(0);
    this.busy.fill(0);
    this.ms = 0;
  }
}

/**
 * How many times faster the calls of turn `a` run than turn `b`'s did: b's ms over the ms
 * b's calls would take at a's rates, kernel by kernel, each kernel a has not measured taken
 * at b's own rate (1 where b measured nothing). It compares two whole turns at a
 * comparison's end, and a turn under way with the last whole one for the early cut: a turn
 * cut short is judged on what a whole one would cost, not on the kernels that fell in its
 * first ms (a few slow small ones beside an unmeasured large one that threads run 2.5× as
 * fast would otherwise cut every turn on threads).
 */
function projectedSpeedup(a: TurnCalls, b: TurnCalls): number {
  let ms = 0, msAtA = 0;
  for (let op = 0; op < b.work.length; op++) {
    if (b.busy[op] === 0) continue;
    ms += b.busy[op];
    msAtA += a.busy[op] > 0 ? (b.work[op] * a.busy[op]) / a.work[op] : b.busy[op];
  }
  return ms > 0 ? ms / msAtA : 1;
}

export class ThreadGovernor {
  private threaded = false;
  /** In the opening reading of how idle the cores are (where the platform tells): see open(). */
  private opening: boolean;
  /** On threads the opening took, not yet measured against one thread: see open(). */
  private untested = false;
  /** −1 while running in the chosen mode; else the turn of the comparison (see isOtherTurn). */
  private turn = -1;
  private phaseStart = 0;
  /** When the first call was asked about (NaN before it): WARMUP_MS and YOUNG_MS count from there, not from when the network was made. */
  private born = Number.NaN;
  private phaseLength = WARMUP_MS;
  /** ms of the next run in the chosen mode. */
  private runLength = FIRST_RUN_MS;
  /** The kernel and work of the call being run, and when it began. */
  private callOp = 0;
  private callWork = 0;
  private callStart = 0;
  /** Whether the call being run counts toward its turn (it began after SETTLE_MS). */
  private measured = true;
  /** This turn's calls that began after SETTLE_MS… */
  private readonly turnCalls: TurnCalls;
  /** …and within it: the turn's measure when no call began after (calls of SETTLE_MS or longer). */
  private readonly settleCalls: TurnCalls;
  /** The current mode's calls in its last turn of the comparison, and the other mode's. */
  private readonly current: TurnCalls;
  private readonly other: TurnCalls;

  private readonly clock: () => number;
  private readonly compiled: CompiledSince;
  private readonly idleShare: IdleShare | null;
  private readonly workers: number;

  /** `kernels`: how many kernels there are (the ops passed to split() are below it). */
  constructor(kernels: number, options: GovernorOptions = {}) {
    this.clock = options.clock ?? (() => performance.now());
    this.compiled = options.compiled ?? { firstCall: Number.NaN };
    this.idleShare = options.idleShare ?? null;
    this.workers = options.workers ?? 1;
    this.opening = this.idleShare !== null;
    [this.turnCalls, this.settleCalls, this.current, this.other] = Array.from({ length: 4 }, () => new TurnCalls(kernels));
  }

  /**
   * Whether the next large call, of kernel `op` and `work` (≈ flops), is split; where calls
   * are timed (timing), it counts toward the turn. Call done() when it returns.
   */
  split(op: number, work: number): boolean {
    const now = this.clock();
    if (Number.isNaN(this.born)) {
      this.born = this.phaseStart = now;
      this.idleShare?.(this.workers); // the opening reading counts from here
      if (Number.isNaN(this.compiled.firstCall)) this.compiled.firstCall = now;
      this.phaseLength = this.opening ? PROBE_MS : this.untilCompiled(now);
    }
    const losing = this.losingPlainly();
    if (this.opening && now - this.phaseStart >= this.phaseLength) this.open(now);
    else if (losing && this.turn < 0) this.dropUntested(now);
    else if (losing || now - this.phaseStart >= this.phaseLength) this.advance(now, losing);
    if (this.timing) {
      this.measured = now - this.phaseStart >= SETTLE_MS;
      this.callOp = op;
      this.callWork = work;
      this.callStart = now;
    }
    return this.isOtherTurn() ? !this.threaded : this.threaded;
  }

  /** The call that split() was asked about has returned: where calls are timed, its time counts toward the turn. */
  done(): void {
    if (!this.timing) return;
    (this.measured ? this.turnCalls : this.settleCalls).add(this.callOp, this.callWork, this.clock() - this.callStart);
  }

  /** Whether calls are timed: within a comparison, and in the opening and the run of threads it took (see open()). */
  private get timing(): boolean {
    return this.turn >= 0 || this.opening || this.untested;
  }

  /** Whether calls are split now, outside a turn of the other mode. */
  get threadedNow(): boolean {
    return this.threaded;
  }

  /** Whether the other mode's turn so far (CUT_MS of calls measured; CUT_MS_ONE_THREAD on one thread) projects below EARLY_LOSS (EARLY_LOSS_ONE_THREAD) of the current mode's last turn. */
  private losingPlainly(): boolean {
    // The run of threads the opening took, against the opening's own calls on one thread.
    if (this.untested && this.turn < 0) return this.turnCalls.ms >= CUT_MS && projectedSpeedup(this.turnCalls, this.current) < EARLY_LOSS;
    if (!this.isOtherTurn() || this.turnCalls.ms < (this.threaded ? CUT_MS_ONE_THREAD : CUT_MS)) return false;
    return projectedSpeedup(this.turnCalls, this.current) < (this.threaded ? EARLY_LOSS_ONE_THREAD : EARLY_LOSS);
  }

  /** ms from `now` until WARMUP_MS after the build's first call: before then a comparison would measure the compiler. */
  private untilCompiled(now: number): number {
    return Math.max(0, this.compiled.firstCall + WARMUP_MS - now);
  }

  /**
   * Ends the opening reading, the governor's first PROBE_MS on one thread: with the cores
   * its workers want idle, threads are taken for a run of FIRST_RUN_MS (past WARMUP_MS), and
   * the comparison after it holds them to what taking them from one thread needs: to be
   * faster, not to lose by less than TO_ONE_THREAD; and within the run, calls that project
   * plainly below the opening's own on one thread (EARLY_LOSS) end it (dropUntested). Else
   * one thread stays until the first comparison. An opening that spans a pause of the caller
   * starts over: the pause would read as idle cores (platform.ts).
   */
  private open(now: number): void {
    const idle = this.idleShare?.(this.workers) ?? null;
    const paused = now - this.phaseStart > IDLE_FACTOR * PROBE_MS;
    this.keepTurn(this.current);
    if (paused) {
      this.newPhase(now, PROBE_MS);
      return;
    }
    this.opening = false;
    this.threaded = this.untested = idle !== null && idle >= OPENING_IDLE_NEEDED;
    this.newPhase(now, this.threaded ? FIRST_RUN_MS : this.untilCompiled(now));
  }

  /**
   * Ends the run of threads the opening took, plainly slower than one thread (a busy
   * machine that read idle over the opening: in fresh processes beside a busy one, readings
   * of 0.44–0.67 over the first 25–50 ms): one thread, as after a comparison lost.
   */
  private dropUntested(now: number): void {
    this.threaded = this.untested = false;
    this.newPhase(now, this.runLength);
    this.idleShare?.(this.workers);
  }

  /** What the turn under way measured (its calls after SETTLE_MS, or all of them where none began later), into `into`. */
  private keepTurn(into: TurnCalls): void {
    into.copyFrom(this.turnCalls.ms > 0 ? this.turnCalls : this.settleCalls);
  }

  /** Starts a turn or run of `length` ms at `now`, none of its calls timed yet. */
  private newPhase(now: number, length: number): void {
    this.turnCalls.clear();
    this.settleCalls.clear();
    this.phaseStart = now;
    this.phaseLength = length;
  }

  /** Ends the turn (or run) under way and starts the next; `cutShort`: the other mode's turn has lost already. */
  private advance(now: number, cutShort = false): void {
    const restart = this.turn < 0 || now - this.phaseStart > IDLE_FACTOR * PROBE_MS;
    if (!restart) this.keepTurn(this.isOtherTurn() ? this.other : this.current);
    this.newPhase(now, PROBE_MS);
    if (restart) {
      // After an idle gap in a turn on threads, that turn would lie in the reading: it starts again.
      if (this.isOtherTurn() && !this.threaded) this.idleShare?.(this.workers);
      this.turn = 0;
      return;
    }
    // Before the first turn on threads, whether there are cores for them (read over the run and turn 0 on one thread).
    const noCores = this.turn === 0 && !this.threaded && this.coresBusy();
    const lost = cutShort || noCores || (this.turn % 2 === 1 && !(projectedSpeedup(this.other, this.current) > (this.threaded && !this.untested ? TO_ONE_THREAD : 1)));
    // A pair lost decides the comparison: the turns left would only cost time in the slower mode.
    if (++this.turn < 2 * PROBES && !lost) return;
    // The comparison ran all its turns only if the other mode won every pair.
    if (!lost) {
      this.threaded = !this.threaded;
      this.runLength = FIRST_RUN_MS;
    }
    const clear = this.threaded || noCores;
    this.turn = -1;
    this.untested = false;
    this.phaseLength = this.runLength;
    // How idle the cores are is read over the run on one thread alone: on threads this process keeps them busy itself.
    if (!this.threaded) this.idleShare?.(this.workers);
    if (clear || now - this.born >= YOUNG_MS) this.runLength = Math.min(RUN_MS, 2 * this.runLength);
  }

  /** Whether the cores the workers want were idle less than IDLE_SHARE_NEEDED of the time since the last look; false where the platform cannot tell. */
  private coresBusy(): boolean {
    const idle = this.idleShare?.(this.workers) ?? null;
    return idle !== null && idle < IDLE_SHARE_NEEDED;
  }

  /** Turns 0, 1 | 2, 3 | 4, 5 … measure current–other | other–current | current–other … */
  private isOtherTurn(): boolean {
    if (this.turn < 0) return false;
    const pair = this.turn >> 1, second = (this.turn & 1) === 1;
    return (pair % 2 === 0) === second;
  }
}
