import { startHeartbeat } from './heartbeat';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('startHeartbeat', () => {
  it('never starts a beat while the previous one runs, and stop waits for it', async () => {
    let running = 0;
    let overlapped = false;
    let beats = 0;
    let slowBeatStarted = () => {};
    const slowBeat = new Promise<void>(resolve => (slowBeatStarted = resolve));
    let releaseSlowBeat = () => {};
    const heartbeat = startHeartbeat(5, async () => {
      running++;
      overlapped ||= running > 1;
      beats++;
      // The third beat takes far longer than the interval, until released.
      if (beats === 3) {
        slowBeatStarted();
        await new Promise<void>(resolve => (releaseSlowBeat = resolve));
      }
      running--;
    });

    await slowBeat;
    await sleep(50);
    expect(beats).toBe(3);
    let stopped = false;
    const stopping = heartbeat.stop().then(() => (stopped = true));
    await sleep(20);
    expect(stopped).toBe(false);
    releaseSlowBeat();
    await stopping;
    await sleep(50);

    expect(beats).toBe(3);
    expect(overlapped).toBe(false);
  });

  it('stops at once between beats', async () => {
    const beat = jest.fn(async () => {});
    const heartbeat = startHeartbeat(60_000, beat);
    await heartbeat.stop();
    expect(beat).not.toHaveBeenCalled();
  });
});
