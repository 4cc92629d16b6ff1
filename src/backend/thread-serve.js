// The loop of a kernel thread, shared by the browser's worker (thread-worker.js) and
// Node's (thread-worker-node.js). It instantiates the shared-memory build of the kernels
// over the network's shared memory, then loops: wait for the generation counter to move,
// run the kernel call written in its slot, count itself done. Plain JavaScript so that
// Node, bundlers and browsers load it as it is. The slot layout is ThreadPool's (threads.ts).

const GEN = 0, PENDING = 1, FAILED = 2, SLOT_FLOATS = 16, SLOTS_AT = 64, SPIN = 200000;

/** @param {{ module: WebAssembly.Module, memory: WebAssembly.Memory, control: number, index: number, names: string[] }} init */
export async function serve(init, ready) {
  const { exports } = await WebAssembly.instantiate(init.module, { env: { memory: init.memory } });
  const kernels = init.names.map((name) => exports[name]);
  const sync = new Int32Array(init.memory.buffer, init.control, 3);
  const slot = new Float64Array(init.memory.buffer, init.control + SLOTS_AT + init.index * SLOT_FLOATS * 8, SLOT_FLOATS);
  // Read the generation before saying ready: the first round may start right after.
  let seen = Atomics.load(sync, GEN);
  ready();
  for (;;) {
    for (let spin = 0; spin < SPIN && Atomics.load(sync, GEN) === seen; spin++);
    while (Atomics.load(sync, GEN) === seen) Atomics.wait(sync, GEN, seen);
    seen = Atomics.load(sync, GEN);
    const op = slot[0];
    if (op < 0) return;
    try {
      kernels[op](slot[1], slot[2], slot[3], slot[4], slot[5], slot[6], slot[7], slot[8], slot[9], slot[10], slot[11], slot[12]);
    } catch {
      Atomics.store(sync, FAILED, 1);
    } finally {
      // Count this worker done even after a failure, so that the caller never waits forever.
      if (Atomics.sub(sync, PENDING, 1) === 1) Atomics.notify(sync, PENDING);
    }
  }
}

