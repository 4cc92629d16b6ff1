// The fork/join protocol of the kernel threads, run by the calling thread and by every
// worker. It is one self-contained function, so that its source text can start a worker
// (platform.ts: a Blob URL in browsers, `eval` in Node): there is no worker file for a
// bundler to miss. Plain JavaScript so that no compiler adds helpers to that text.
//
// A kernel call is split into chunks of rows at fixed boundaries (multiples of the kernel's
// register blocking, so every row meets the same blocking and rounding as on one thread).
// Every thread, the caller included, claims chunks until none are left, so a worker the OS
// has not scheduled yet simply gets none: the caller never waits for a thread that has not
// started, only for chunks already running. Threads spin briefly for the next call, then
// sleep in Atomics.wait.
//
// A call may instead be a set of tasks (op TASKS): chunk t is task t, a short program of
// kernel calls that one thread runs whole, in order. The caller publishes the set with task
// 0 claimed already, so it runs task 0 in every set, and with two threads the worker task 1
// unless it is late (then the caller takes it too): each keeps the data its task touches in
// its cache from one set to the next (the first dense layer's input blocks, layers/dense.ts).
//
// The control block, in the network's shared memory at byte offset `control`, Int32 words
// on cache lines of their own:
//   word 0   the ticket: generation (7 bits) << 24 | chunks n (12 bits) << 12 | next chunk
//            (12 bits); a thread claims chunk i by moving it from i to i + 1 while i < n.
//            −1 stops the workers.
//   word 16  chunks done in the current call; word 17: 1 + the op of a kernel call that threw
//   word 32  workers asleep in Atomics.wait (the caller wakes them only when there are some)
//   byte 192 the call, 24 f64: [op, 12 arguments, count argument, rows per chunk, rows,
//            then four (argument, bytes per row) pairs of pointers that move to a chunk's
//            first row (argument −1: unused)]
//   then     MAX_TASKS tasks of TASK_FLOATS f64 each: [calls, then TASK_CALLS × (op, 12
//            arguments)], read when the call's op is TASKS

/**
 * The protocol's constants and steps. Self-contained (see above), and its steps are methods
 * of one object: a minifier's keep-names option wraps named functions in a helper that
 * lives outside this text, but leaves methods alone.
 */
export function threadProtocol() {
  const TICKET = 0, DONE = 16, FAILED = 17, SLEEPERS = 32, JOB_AT = 192, CALL_FLOATS = 24;
  const COUNT_ARG = 13, CHUNK_ROWS = 14, ROWS = 15, POINTERS = 16, MAX_CHUNKS = 4095;
  /** A task's call: its op and 12 arguments (CALL_SIZE f64). */
  const TASKS = -1, MAX_TASKS = 4, TASK_CALLS = 3, CALL_SIZE = 13, TASK_FLOATS = 1 + CALL_SIZE * TASK_CALLS;
  const JOB_FLOATS = CALL_FLOATS + MAX_TASKS * TASK_FLOATS;
  /** How long an idle worker spins for the next call before it sleeps, in ms. */
  const SPIN_MS = 0.2;
  const WARM_UP_CALLS = 3000, WARM_UP_KERNEL = 'copy_floats';
  const protocol = {
    TICKET, DONE, FAILED, SLEEPERS, JOB_AT, JOB_FLOATS, COUNT_ARG, CHUNK_ROWS, ROWS, POINTERS, MAX_CHUNKS,
    TASKS, MAX_TASKS, TASK_CALLS, CALL_SIZE,
    /** The op this thread runs or ran last: the one to name when it throws. */
    op: 0,

    /** The ticket of a new call: its generation and its chunks, none claimed yet (see word 0 above). */
    ticket(generation, chunks) {
      return (generation << 24) | (chunks << 12);
    },

    /** The Int32 words and the call's f64s of the control block at `control`. */
    views(memory, control) {
      return { sync: new Int32Array(memory.buffer, control, JOB_AT / 4), job: new Float64Array(memory.buffer, control + JOB_AT, JOB_FLOATS) };
    },

    /** Where task t lies in the job: its count of calls, then the calls. */
    taskAt(t) {
      return CALL_FLOATS + t * TASK_FLOATS;
    },

    /** Runs chunk c of the call in `job` (task c of a set of tasks); `args` is a scratch Float64Array(12). */
    runChunk(kernels, job, args, c) {
      if (job[0] === TASKS) {
        const at = protocol.taskAt(c);
        for (let i = 0; i < job[at]; i++) {
          const call = at + 1 + CALL_SIZE * i;
          protocol.op = job[call];
          kernels[job[call]](job[call + 1], job[call + 2], job[call + 3], job[call + 4], job[call + 5], job[call + 6], job[call + 7], job[call + 8], job[call + 9], job[call + 10], job[call + 11], job[call + 12]);
        }
        return;
      }
      const r0 = c * job[CHUNK_ROWS], r1 = Math.min(job[ROWS], r0 + job[CHUNK_ROWS]);
      for (let i = 0; i < 12; i++) args[i] = job[1 + i];
      args[job[COUNT_ARG]] = r1 - r0;
      for (let p = POINTERS; p < CALL_FLOATS; p += 2) if (job[p] >= 0) args[job[p]] += r0 * job[p + 1];
      protocol.op = job[0];
      kernels[job[0]](args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8], args[9], args[10], args[11]);
    },

    /**
     * Claims and runs chunks of the current call until none are left. Returns the ticket it
     * found spent (the value to wait on for the next call), or −1 once the workers are told
     * to stop.
     */
    work(sync, job, kernels, args) {
      for (;;) {
        const ticket = Atomics.load(sync, TICKET);
        if (ticket < 0) return -1;
        const n = (ticket >> 12) & MAX_CHUNKS, c = ticket & MAX_CHUNKS;
        if (c >= n) return ticket;
        if (Atomics.compareExchange(sync, TICKET, ticket, ticket + 1) !== ticket) continue;
        protocol.runClaimed(sync, job, kernels, args, c, n);
      }
    },

    /** Runs chunk c, claimed, of a call of n chunks, and counts it done. */
    runClaimed(sync, job, kernels, args, c, n) {
      try {
        protocol.runChunk(kernels, job, args, c);
      } catch {
        Atomics.store(sync, FAILED, 1 + protocol.op);
      } finally {
        // Counted done even after a failure, so that the caller never waits forever.
        if (Atomics.add(sync, DONE, 1) + 1 === n) Atomics.notify(sync, DONE);
      }
    },

    /**
     * Runs WARM_UP_CALLS calls of kernel `op` with every argument 0 through work() on a
     * control block of the worker's own, as split calls and as tasks in turn, so that the
     * JavaScript of its side of the protocol is compiled before the first real call: a cold
     * worker's first ~100 ms ran at a fraction of its speed, which the governor's first
     * comparison of one thread with threads would measure. `op` must do nothing on zero
     * arguments (copy_floats copies 0 floats).
     */
    warmUp(kernels, op, args) {
      const own = protocol.views({ buffer: new SharedArrayBuffer(JOB_AT + JOB_FLOATS * 8) }, 0);
      own.job[CHUNK_ROWS] = 1;
      for (let p = POINTERS; p < CALL_FLOATS; p += 2) own.job[p] = -1;
      own.job[protocol.taskAt(0)] = 1;
      own.job[protocol.taskAt(0) + 1] = op;
      for (let i = 0; i < WARM_UP_CALLS; i++) {
        own.job[0] = i % 2 === 0 ? op : TASKS;
        Atomics.store(own.sync, TICKET, protocol.ticket(0, 1));
        protocol.work(own.sync, own.job, kernels, args);
      }
    },

    /** A worker: instantiates the shared-memory build over the network's memory, then works until stopped. */
    async serve(init, ready) {
      const { exports } = await WebAssembly.instantiate(init.module, { env: { memory: init.memory } });
      const kernels = init.names.map((name) => exports[name]);
      const { sync, job } = protocol.views(init.memory, init.control);
      const args = new Float64Array(12);
      const noOp = init.names.indexOf(WARM_UP_KERNEL);
      if (noOp < 0) throw new Error(`kernel thread: no ${WARM_UP_KERNEL} kernel to warm up with`);
      protocol.warmUp(kernels, noOp, args);
      ready();
      for (let seen; (seen = protocol.work(sync, job, kernels, args)) >= 0;) {
        const until = performance.now() + SPIN_MS;
        for (let spin = 0; Atomics.load(sync, TICKET) === seen; spin++) {
          if ((spin & 255) === 0 && performance.now() > until) {
            Atomics.add(sync, SLEEPERS, 1);
            Atomics.wait(sync, TICKET, seen);
            Atomics.sub(sync, SLEEPERS, 1);
          }
        }
      }
    },
  };
  return protocol;
}

/**
 * The text of a kernel thread's script: the protocol, then `start`, code that receives the
 * init message and calls `serve(init, ready)`.
 */
export function threadSource(start) {
  return `const { serve } = (${threadProtocol.toString()})();\n${start}\n`;
}
