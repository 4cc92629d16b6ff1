// The governor that keeps large kernel calls on one thread where threads are slower: driven
// by a clock the test moves, with the throughput of each mode given.
import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import '../src/platform-node.js';
import { MIN_READING_MS, cpuTimes, idleShareReader } from '../src/platform.js';
import { CUT_MS, CUT_MS_ONE_THREAD, EARLY_LOSS, EARLY_LOSS_ONE_THREAD, FIRST_RUN_MS, IDLE_SHARE_NEEDED, OPENING_IDLE_NEEDED, PROBES, PROBE_MS, RUN_MS, SETTLE_MS, ThreadGovernor, WARMUP_MS, YOUNG_MS, type CompiledSince } from '../src/backend/thread-governor.js';

/** ms of one cycle: a run in the chosen mode, then a comparison of both. */
const CYCLE = RUN_MS + 2 * PROBES * PROBE_MS;

/**
 * Calls of one unit of work, each taking the time its mode's rate (units per ms) gives,
 * for `ms` of simulated time; returns the share of calls that were split. `afterCall` is
 * told each call's mode and ms once the governor has been told it is done.
 */
function simulate(governor: ThreadGovernor, clock: { now: number }, rate: { threaded: number; single: number }, ms: number, afterCall?: (threaded: boolean, took: number) => void): number {
  const end = clock.now + ms;
  let split = 0, calls = 0;
  while (clock.now < end) {
    const threaded = governor.split(0, 1), took = 1 / (threaded ? rate.threaded : rate.single);
    clock.now += took;
    governor.done();
    afterCall?.(threaded, took);
    calls++;
    if (threaded) split++;
  }
  return split / calls;
}

/**
 * Calls of several kernels until `until` ms of simulated time: `call(i)` gives call i's kernel,
 * work and ms on [one thread, threads]. Returns the share of calls that were split.
 */
function simulateKernels(governor: ThreadGovernor, clock: { now: number }, until: number, call: (i: number) => { op: number; work: number; ms: [number, number] }): number {
  let split = 0, calls = 0;
  while (clock.now < until) {
    const { op, work, ms } = call(calls);
    const threaded = governor.split(op, work);
    clock.now += ms[threaded ? 1 : 0];
    governor.done();
    calls++;
    if (threaded) split++;
  }
  return split / calls;
}

describe('the thread governor', () => {
  it('keeps splitting where threads are faster, probing one thread a small share of the time', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(1, { clock: () => clock.now });
    const share = simulate(governor, clock, { threaded: 1.5, single: 1 }, 10 * CYCLE);
    expect(governor.threadedNow).toBe(true);
    // PROBES turns of one thread in every cycle.
    expect(share).toBeGreaterThan(1 - (1.2 * PROBES * PROBE_MS) / CYCLE);
  });

  it('cuts a turn on one thread short while threads are the mode, once it projects below EARLY_LOSS_ONE_THREAD of them: SETTLE_MS + CUT_MS_ONE_THREAD of it, not PROBE_MS', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(1, { clock: () => clock.now });
    const rate = { threaded: 1.5, single: 1 };
    expect(rate.single / rate.threaded).toBeLessThan(EARLY_LOSS_ONE_THREAD);
    simulate(governor, clock, rate, 3 * CYCLE);
    const share = simulate(governor, clock, rate, 10 * CYCLE);
    expect(governor.threadedNow).toBe(true);
    const single = (SETTLE_MS + CUT_MS_ONE_THREAD) * rate.single, split = (CYCLE - SETTLE_MS - CUT_MS_ONE_THREAD) * rate.threaded;
    expect(SETTLE_MS + CUT_MS_ONE_THREAD).toBeLessThan(PROBE_MS / 2);
    expect(1 - share).toBeLessThan((1.3 * single) / (single + split));
    // Where one thread is nearly as fast, its turns run whole.
    const near = new ThreadGovernor(1, { clock: () => clock.now });
    const close = { threaded: 1.05, single: 1 };
    expect(close.single / close.threaded).toBeGreaterThan(EARLY_LOSS_ONE_THREAD);
    simulate(near, clock, close, 3 * CYCLE);
    const whole = PROBE_MS * close.single;
    expect(1 - simulate(near, clock, close, 10 * CYCLE)).toBeGreaterThan((0.8 * whole) / (whole + CYCLE * close.threaded));
  });

  it('moves to one thread when threads are slower (a busy machine), and back when they are faster again', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(1, { clock: () => clock.now });
    simulate(governor, clock, { threaded: 0.3, single: 1 }, 2 * CYCLE);
    expect(governor.threadedNow).toBe(false);
    const share = simulate(governor, clock, { threaded: 0.3, single: 1 }, 10_000);
    expect(share).toBeLessThan(0.1);
    simulate(governor, clock, { threaded: 1.5, single: 1 }, 2 * CYCLE);
    expect(governor.threadedNow).toBe(true);
  });

  it('ends a comparison at the first pair the other mode loses: on a busy machine, one turn on threads in each cycle', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(1, { clock: () => clock.now });
    const rate = { threaded: 0.7, single: 1 };
    simulate(governor, clock, rate, 3 * CYCLE);
    // A turn on threads (PROBE_MS) runs PROBE_MS · 0.7 calls against ~RUN_MS on one thread.
    const share = simulate(governor, clock, rate, 10 * CYCLE);
    expect(share).toBeLessThan((1.2 * PROBE_MS * 0.7) / RUN_MS);
    expect(share).toBeGreaterThan((0.8 * PROBE_MS * 0.7) / RUN_MS);
  });

  it('cuts a turn on threads short once it runs below EARLY_LOSS of one thread: a busy machine pays SETTLE_MS + CUT_MS of it, not PROBE_MS', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(1, { clock: () => clock.now });
    // Calls of 0.1 ms on one thread, 0.4 ms on threads: a quarter of the rate, below EARLY_LOSS.
    const rate = { threaded: 2.5, single: 10 };
    expect(rate.threaded / rate.single).toBeLessThan(EARLY_LOSS);
    simulate(governor, clock, rate, 3 * CYCLE);
    const share = simulate(governor, clock, rate, 10 * CYCLE);
    expect(governor.threadedNow).toBe(false);
    const turn = SETTLE_MS + CUT_MS;
    expect(turn).toBeLessThan(PROBE_MS / 2);
    expect(share).toBeLessThan((1.2 * turn * rate.threaded) / (RUN_MS * rate.single));
    expect(share).toBeGreaterThan((0.8 * turn * rate.threaded) / (RUN_MS * rate.single));
  });

  it('starts on one thread where the platform cannot tell how idle the cores are, and takes threads once they measure faster', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(1, { clock: () => clock.now });
    expect(governor.threadedNow).toBe(false);
    simulate(governor, clock, { threaded: 0.9, single: 1 }, CYCLE);
    expect(governor.threadedNow).toBe(false);
    simulate(governor, clock, { threaded: 1.02, single: 1 }, 2 * CYCLE);
    expect(governor.threadedNow).toBe(true);
  });

  it('leaves threads for one thread only when one thread is clearly faster (the noise of a shared machine)', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(1, { clock: () => clock.now });
    simulate(governor, clock, { threaded: 1.5, single: 1 }, 2 * CYCLE);
    expect(governor.threadedNow).toBe(true);
    simulate(governor, clock, { threaded: 1, single: 1.1 }, 10 * CYCLE);
    expect(governor.threadedNow).toBe(true);
    simulate(governor, clock, { threaded: 1, single: 1.2 }, 2 * CYCLE);
    expect(governor.threadedNow).toBe(false);
  });

  it('checks an early decision again soon: threads slowed by the start (V8 compiling on the other core) are taken once they are faster', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(1, { clock: () => clock.now });
    const comparison = 2 * PROBES * PROBE_MS;
    simulate(governor, clock, { threaded: 0.5, single: 1 }, WARMUP_MS + comparison);
    expect(governor.threadedNow).toBe(false);
    // Faster from now on: the next comparison comes after FIRST_RUN_MS, not RUN_MS.
    simulate(governor, clock, { threaded: 1.5, single: 1 }, FIRST_RUN_MS + comparison + PROBE_MS);
    expect(governor.threadedNow).toBe(true);
    expect(FIRST_RUN_MS + comparison).toBeLessThan(RUN_MS / 4);
  });

  it('keeps comparing every FIRST_RUN_MS in its first YOUNG_MS: threads slow only while the code compiles are taken soon after', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(1, { clock: () => clock.now });
    // Two comparisons lost (at ~0.2 and ~0.5 s), then threads are faster from 0.65 s.
    simulate(governor, clock, { threaded: 0.5, single: 1 }, 650);
    expect(governor.threadedNow).toBe(false);
    // A run doubled after the second loss would put the next comparison past 1 s.
    simulate(governor, clock, { threaded: 1.5, single: 1 }, 350);
    expect(governor.threadedNow).toBe(true);
    expect(YOUNG_MS).toBeGreaterThanOrEqual(1000);
  });

  it('does not measure the first SETTLE_MS of a turn: threads slow only while their data moves into their caches still win', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(1, { clock: () => clock.now });
    let last = false, since = 0, split = 0, calls = 0;
    while (clock.now < 3 * CYCLE) {
      const threaded = governor.split(0, 1);
      if (threaded !== last) [last, since] = [threaded, clock.now];
      const settling = threaded && clock.now - since < 0.8 * SETTLE_MS;
      clock.now += 1 / (threaded ? (settling ? 0.05 : 1.5) : 1);
      governor.done();
      calls++;
      if (threaded) split++;
    }
    expect(governor.threadedNow).toBe(true);
    expect(split / calls).toBeGreaterThan(0.8);
  });

  it('takes threads for calls longer than SETTLE_MS, which begin a turn and leave no call to measure after it', () => {
    for (const ms of [30, 60]) {
      const clock = { now: 0 };
      const governor = new ThreadGovernor(1, { clock: () => clock.now });
      const share = simulate(governor, clock, { threaded: 2 / ms, single: 1 / ms }, 4 * CYCLE);
      expect(governor.threadedNow, `${ms} ms calls`).toBe(true);
      expect(share, `${ms} ms calls`).toBeGreaterThan(0.8);
    }
  });

  it('compares kernel by kernel: a turn is not faster for holding more of a kernel whose work estimate runs quick (long calls, a few a turn)', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(2, { clock: () => clock.now });
    // A pass of one call of kernel 0 (10 ms on one thread for its unit of estimated work), then
    // ten of kernel 1 (0.2 ms each): a turn measures one or two of kernel 0's calls. Both run
    // 1.2× faster on threads.
    const share = simulateKernels(governor, clock, 4 * CYCLE, (call) => (call % 11 === 0 ? { op: 0, work: 1, ms: [10, 10 / 1.2] } : { op: 1, work: 1, ms: [0.2, 0.2 / 1.2] }));
    expect(governor.threadedNow).toBe(true);
    expect(share).toBeGreaterThan(0.8);
  });

  it('cuts a turn short on what the whole turn would cost: a few small calls slow on threads beside a large one they run 2.5× as fast', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(2, { clock: () => clock.now });
    // A pass: 8 calls of kernel 1 (0.25 ms on one thread, 0.6 on threads), then one of kernel 0
    // (20 ms, 8 on threads): threads run a pass 1.72× as fast, though the first 2 ms of a turn
    // on them measure kernel 1 alone at 0.42×.
    const share = simulateKernels(governor, clock, 4 * CYCLE, (call) => (call % 9 === 8 ? { op: 0, work: 50, ms: [20, 8] } : { op: 1, work: 1, ms: [0.25, 0.6] }));
    expect(governor.threadedNow).toBe(true);
    expect(share).toBeGreaterThan(0.8);
  });

  it('counts WARMUP_MS and YOUNG_MS from the first call, not from when the network was made', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(1, { clock: () => clock.now });
    clock.now = 3000; // made, then idle for 3 s before its first call
    // No comparison (no turn on threads) in the first WARMUP_MS of calls…
    expect(simulate(governor, clock, { threaded: 1.5, single: 1 }, WARMUP_MS - 20)).toBe(0);
    // …and, as in the test above, comparisons every FIRST_RUN_MS until YOUNG_MS.
    simulate(governor, clock, { threaded: 0.5, single: 1 }, 650 - (WARMUP_MS - 20));
    expect(governor.threadedNow).toBe(false);
    simulate(governor, clock, { threaded: 1.5, single: 1 }, 350);
    expect(governor.threadedNow).toBe(true);
  });

  it('compares at once in a later network over the same build: its code is compiled already', () => {
    const clock = { now: 0 };
    const build: CompiledSince = { firstCall: Number.NaN };
    const first = new ThreadGovernor(1, { clock: () => clock.now, compiled: build });
    simulate(first, clock, { threaded: 1.5, single: 1 }, 2 * WARMUP_MS);
    clock.now += 5000;
    // A comparison is its PROBES pairs of turns: threads are taken after them, not WARMUP_MS later.
    const comparison = 2 * PROBES * PROBE_MS + 1;
    expect(comparison).toBeLessThan(WARMUP_MS);
    const later = new ThreadGovernor(1, { clock: () => clock.now, compiled: build });
    simulate(later, clock, { threaded: 1.5, single: 1 }, comparison);
    expect(later.threadedNow).toBe(true);
    // One over a build of its own waits WARMUP_MS on one thread.
    const alone = new ThreadGovernor(1, { clock: () => clock.now });
    expect(simulate(alone, clock, { threaded: 1.5, single: 1 }, comparison)).toBe(0);
  });

  /** Turns of the mode not chosen, each counted once, in `ms` of calls at `rate`. */
  function turnsAway(governor: ThreadGovernor, clock: { now: number }, rate: { threaded: number; single: number }, ms: number): number {
    let turns = 0, last = governor.threadedNow, chosen = governor.threadedNow;
    simulate(governor, clock, rate, ms, (threaded) => {
      if (threaded !== last && threaded !== chosen) turns++;
      last = threaded;
      chosen = governor.threadedNow;
    });
    return turns;
  }

  it('doubles its runs while young once threads are kept (no cores idle for them: see below), not after turns on threads cut short', () => {
    // Threads faster: taken at WARMUP_MS + a comparison, then kept after runs of FIRST_RUN_MS,
    // 2·FIRST_RUN_MS, …: turns on one thread at ~0.5 and ~1.1 s of the first YOUNG_MS, not every ~0.3 s.
    const clock = { now: 0 };
    const faster = new ThreadGovernor(1, { clock: () => clock.now });
    simulate(faster, clock, { threaded: 1.5, single: 1 }, WARMUP_MS + 2 * PROBES * PROBE_MS + 1);
    expect(faster.threadedNow).toBe(true);
    expect(turnsAway(faster, clock, { threaded: 1.5, single: 1 }, YOUNG_MS)).toBe(2);
    // Turns on threads cut short, where the platform does not tell how idle the cores are,
    // are not clear while young (V8 compiling on the other core cuts them too): one every
    // ~0.28 s, not at ~0.15, ~0.4 and ~0.9 s.
    clock.now = 0;
    const cut = new ThreadGovernor(1, { clock: () => clock.now });
    const rate = { threaded: 2, single: 10 };
    expect(rate.threaded / rate.single).toBeLessThan(EARLY_LOSS);
    expect(turnsAway(cut, clock, rate, YOUNG_MS)).toBe(5);
    expect(cut.threadedNow).toBe(false);
  });

  /**
   * A machine of two cores as the governor's idleShare reads it: the other core idle
   * `otherIdle()` of the time while calls run on one thread, busy with the governor's own
   * worker while they are split. Returns the governor, its clock, how many readings it took
   * over some time, and a loop of calls at `rate` for `ms` that returns the share split.
   */
  function twoCores(otherIdle: () => number) {
    const clock = { now: 0 }, seen = { idle: 0, ms: 0, readings: 0 };
    const idleShare = (wanted: number) => {
      expect(wanted).toBe(1);
      const idle = seen.ms > 0 ? seen.idle / seen.ms : null;
      seen.idle = seen.ms = 0;
      if (idle !== null) seen.readings++;
      return idle;
    };
    const governor = new ThreadGovernor(1, { clock: () => clock.now, idleShare });
    const run = (rate: { threaded: number; single: number }, ms: number) =>
      simulate(governor, clock, rate, ms, (threaded, took) => {
        seen.ms += took;
        if (!threaded) seen.idle += took * otherIdle();
      });
    return { governor, run, clock, seen };
  }

  it('never tries threads while something else keeps the other cores busy, where the platform tells; tries them once the cores are free', () => {
    let otherIdle = 0.05;
    expect(otherIdle).toBeLessThan(IDLE_SHARE_NEEDED);
    const { governor, run, clock, seen } = twoCores(() => otherIdle);
    expect(run({ threaded: 0.3, single: 1 }, YOUNG_MS)).toBe(0);
    // The opening's reading at PROBE_MS; then a clear loss, even while young: runs of
    // FIRST_RUN_MS, 2·FIRST_RUN_MS, … between readings (at ~0.18, ~0.45 and ~0.98 s), not one every ~0.28 s.
    expect(seen.readings).toBe(4);
    expect(run({ threaded: 0.3, single: 1 }, 10 * CYCLE)).toBe(0);
    expect(governor.threadedNow).toBe(false);
    // The same governor, the cores free again: threads are tried at its next reading or the
    // one after (a reading that began while they were busy may still average below), at most
    // two runs of RUN_MS on, and taken.
    otherIdle = 1;
    const freed = clock.now;
    while (!governor.threadedNow && clock.now - freed < 3 * CYCLE) run({ threaded: 1.5, single: 1 }, 1);
    expect(clock.now - freed).toBeLessThanOrEqual(2 * (RUN_MS + PROBE_MS) + 2 * PROBES * PROBE_MS);
  });

  it("reads the cores over a later network's opening on one thread: with the other core busy, it makes no turn on threads", () => {
    const clock = { now: 0 };
    const build: CompiledSince = { firstCall: Number.NaN };
    simulate(new ThreadGovernor(1, { clock: () => clock.now, compiled: build }), clock, { threaded: 1.5, single: 1 }, 2 * WARMUP_MS);
    clock.now += 5000;
    // Two cores, the other kept busy by another process: none of their time idle.
    const idleShare = idleShareReader(() => ({ idle: 0, total: 2 * clock.now, cores: 2 }));
    const later = new ThreadGovernor(1, { clock: () => clock.now, compiled: build, idleShare });
    // Its opening, PROBE_MS, is all there is to read over before the comparison that comes right after it.
    expect(PROBE_MS).toBeGreaterThanOrEqual(MIN_READING_MS);
    expect(simulate(later, clock, { threaded: 0.3, single: 1 }, YOUNG_MS)).toBe(0);
  });

  it("opens with PROBE_MS on one thread reading the cores: idle, or busy only as far as a process's own start keeps them, it takes threads for a run of FIRST_RUN_MS, then compares", () => {
    const partly = 0.3;
    expect(partly).toBeGreaterThanOrEqual(OPENING_IDLE_NEEDED);
    expect(partly).toBeLessThan(IDLE_SHARE_NEEDED);
    const comparison = 2 * PROBES * PROBE_MS;
    for (const otherIdle of [1, partly]) {
      const { governor, run } = twoCores(() => otherIdle);
      expect(run({ threaded: 1.5, single: 1 }, PROBE_MS)).toBe(0);
      expect(run({ threaded: 1.5, single: 1 }, FIRST_RUN_MS)).toBe(1);
      expect(run({ threaded: 1.5, single: 1 }, comparison)).toBeLessThan(1);
      expect(governor.threadedNow).toBe(true);
    }
    // The comparison after the opening's run comes past WARMUP_MS, as any first comparison does.
    expect(PROBE_MS + FIRST_RUN_MS).toBeGreaterThan(WARMUP_MS);
    // Threads slower after all, clearly or by less than one thread needs to leave threads it
    // chose (TO_ONE_THREAD, 1.15): the first comparison leaves them, as it would not have
    // taken them, and a reading below IDLE_SHARE_NEEDED keeps them left.
    for (const threaded of [0.5, 0.9]) {
      const { governor, run } = twoCores(() => partly);
      // Each of its turns ends at the first call past PROBE_MS: 2 ms later at most, on threads.
      run({ threaded, single: 1 }, PROBE_MS + FIRST_RUN_MS + comparison + 2 * PROBES * 2);
      expect(governor.threadedNow).toBe(false);
      expect(run({ threaded, single: 1 }, 5 * CYCLE)).toBe(0);
    }
  });

  it('drops the threads its opening took once their calls run plainly below its own on one thread (a busy machine read as idle): after SETTLE_MS + CUT_MS of them, not FIRST_RUN_MS', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(1, { clock: () => clock.now, idleShare: () => 1 });
    const rate = { threaded: 0.2, single: 1 };
    expect(rate.threaded / rate.single).toBeLessThan(EARLY_LOSS);
    let onThreads = 0;
    simulate(governor, clock, rate, PROBE_MS + FIRST_RUN_MS, (threaded, took) => {
      if (threaded) onThreads += took;
    });
    // SETTLE_MS not measured, then CUT_MS measured, and the call under way then (5 ms at this rate).
    expect(onThreads).toBeGreaterThan(0);
    expect(onThreads).toBeLessThanOrEqual(SETTLE_MS + CUT_MS + 1 / rate.threaded);
    expect(governor.threadedNow).toBe(false);
  });

  it('takes no threads at the opening where the reading tells nothing (null), and starts its opening over after a pause of the caller, which reads as idle cores', () => {
    const clock = { now: 0 };
    const blind = new ThreadGovernor(1, { clock: () => clock.now, idleShare: () => null });
    expect(simulate(blind, clock, { threaded: 1.5, single: 1 }, WARMUP_MS - 1)).toBe(0);
    // Two cores, the other kept busy by another process; the caller's own core idle only while it pauses.
    clock.now = 0;
    let paused = 0;
    const idleShare = idleShareReader(() => ({ idle: paused, total: 2 * clock.now, cores: 2 }));
    const governor = new ThreadGovernor(1, { clock: () => clock.now, idleShare });
    simulate(governor, clock, { threaded: 1.5, single: 1 }, 1);
    clock.now += 2000;
    paused += 2000;
    expect(simulate(governor, clock, { threaded: 0.3, single: 1 }, YOUNG_MS)).toBe(0);
  });

  it('reads how idle the cores are over its runs on one thread alone: its own worker does not make them busy', () => {
    const { governor, run, clock } = twoCores(() => 1);
    run({ threaded: 1.5, single: 1 }, 2 * CYCLE);
    expect(governor.threadedNow).toBe(true);
    while (governor.threadedNow) run({ threaded: 0.5, single: 1 }, 1);
    // Back on one thread: threads faster again are taken at the comparison after its first
    // run, FIRST_RUN_MS on: the time on threads before it is not read as cores kept busy.
    const back = clock.now;
    while (!governor.threadedNow && clock.now - back < 2 * CYCLE) run({ threaded: 1.5, single: 1 }, 1);
    expect(clock.now - back).toBeLessThanOrEqual(FIRST_RUN_MS + 2 * PROBES * PROBE_MS + 2);
  });

  it('reads the idle share of the cores the workers want from the CPU times, at most the other cores, and nothing from too short a time, one core, none, or a count that changed', () => {
    const at = (idle: number, total: number, cores = 4) => ({ idle, total, cores });
    const script = [at(0, 0), at(600, 1600), at(600, 2400), at(610, 2460), at(1210, 4060), at(1900, 5900), at(2000, 6700), at(2000, 7700, 5)];
    const read = idleShareReader(() => script.shift()!)!;
    // 400 ms on each of 4 cores, 600 ms idle: 0.5 of the other three cores' 1,200 ms.
    expect(read(3)).toBe(0.5);
    // 200 ms, none idle.
    expect(read(3)).toBe(0);
    // 15 ms: less than MIN_READING_MS.
    expect(MIN_READING_MS).toBeGreaterThan(15);
    expect(read(3)).toBeNull();
    // 400 ms, 600 idle: 0.75 of the 800 ms of the two cores two workers want.
    expect(read(2)).toBe(0.75);
    // Eight workers want no more than the three other cores: 600 of 1,200 ms.
    expect(read(8)).toBe(0.5);
    // One worker: 100 ms idle of its core's 200 ms, never more than all of it.
    expect(read(1)).toBe(0.5);
    expect(read(1)).toBeNull(); // 4 cores, then 5
    const oneCore = [at(0, 0, 1), at(500, 1000, 1)];
    expect(idleShareReader(() => oneCore.shift()!)!(1)).toBeNull();
    const noCores = [null, null];
    expect(idleShareReader(() => noCores.shift()!)!(1)).toBeNull();
  });

  it("reads Node's CPU times: as many cores as os.cpus(), idle within all, and growing", () => {
    const first = cpuTimes();
    const end = performance.now() + 30;
    while (performance.now() < end);
    const second = cpuTimes();
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(first!.cores).toBe(cpus().length);
    expect(second!.idle).toBeLessThanOrEqual(second!.total);
    expect(second!.total).toBeGreaterThanOrEqual(first!.total);
    expect(second!.idle).toBeGreaterThanOrEqual(first!.idle);
  });

  it('drops a measurement that spans an idle gap (the caller paused)', () => {
    const clock = { now: 0 };
    const governor = new ThreadGovernor(1, { clock: () => clock.now });
    simulate(governor, clock, { threaded: 1.5, single: 1 }, CYCLE + PROBE_MS / 2);
    clock.now += 10 * PROBE_MS; // a pause while threads were being measured: its rate would look terrible
    simulate(governor, clock, { threaded: 1.5, single: 1 }, 3 * CYCLE);
    expect(governor.threadedNow).toBe(true);
  });
});
