/** A running heartbeat; `stop` ends it and waits for a renewal under way. */
export interface Heartbeat {
  stop(): Promise<void>;
}

/**
 * Calls `beat` every `everyMs`, timing each wait from the end of the previous
 * beat, so a slow renewal never overlaps the next one. `beat` handles its own
 * errors; the loop goes on until stopped.
 */
export function startHeartbeat(
  everyMs: number,
  beat: () => Promise<void>,
): Heartbeat {
  let stopped = false;
  let wake = () => {};
  /** Waits `everyMs`, or until woken. */
  const pause = () =>
    new Promise<void>(resolve => {
      const timer = setTimeout(resolve, everyMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    while (!stopped) {
      await pause();
      if (!stopped) await beat();
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake();
      await loop;
    },
  };
}
