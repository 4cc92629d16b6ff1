// Turns of the event loop inside long work (training, evaluations): timers, progress output,
// messages, abort signals and Ctrl-C run there, where one synchronous stretch of seconds held
// them to its end.

/**
 * Lets the event loop run once: setImmediate in Node, a MessageChannel round trip in browsers
 * and workers (setTimeout(0) waits 1–4 ms).
 */
const yieldToEventLoop: () => Promise<void> = typeof setImmediate === 'function'
  ? () => new Promise((resolve) => setImmediate(resolve))
  : (() => {
    const channel = new MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return () => new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(0);
    });
  })();

/** ms of work between turns: often enough for a progress bar and a prompt Ctrl-C, rarely enough to cost nothing measurable. */
const TURN_EVERY_MS = 50;

/** Turns of the event loop between steps of work (batches): `if (turns.due()) await turns.take();`. */
export interface EventLoopTurns {
  /** Whether TURN_EVERY_MS have passed since the last turn: a step that is not due awaits nothing (no promise per batch). */
  due(): boolean;
  /** Lets the event loop run once, then calls the `afterTurn` given (train() checks there that the network was not disposed meanwhile). */
  take(): Promise<void>;
}

export function eventLoopTurns(afterTurn?: () => void): EventLoopTurns {
  let last = performance.now();
  return {
    due: () => performance.now() - last > TURN_EVERY_MS,
    take: async () => {
      await yieldToEventLoop();
      last = performance.now();
      afterTurn?.();
    },
  };
}
