import { holdLease } from './leaseHold';

// Time is the test's: every wait advances the fake clock (and Date.now with it),
// running the heartbeat's renewals in between, so nothing depends on how busy
// the machine is.
const passes = (ms: number) => jest.advanceTimersByTimeAsync(ms);
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('holdLease', () => {
  const warn = jest.fn();
  beforeEach(() => {
    warn.mockReset();
    jest.useFakeTimers({ now: new Date('2026-12-03T08:00:00Z') });
  });
  afterEach(() => jest.useRealTimers());

  it('stays held while renewals take, past the first duration', async () => {
    const renew = jest.fn(async () => true);
    const hold = holdLease({
      claimedAt: Date.now(),
      durationMs: 1_000,
      everyMs: 20,
      renew,
      warn,
    });
    await passes(1_500);
    expect(hold.lost).toBe(false);
    expect(hold.lostBecause).toBeUndefined();
    await hold.stop();
    expect(renew.mock.calls.length).toBeGreaterThanOrEqual(70);
    expect(warn).not.toHaveBeenCalled();
  });

  it('is lost at once when a renewal finds the lease another holder’s', async () => {
    let calls = 0;
    const hold = holdLease({
      claimedAt: Date.now(),
      durationMs: 60_000,
      everyMs: 10,
      renew: async () => ++calls < 3,
      warn,
    });
    await passes(25);
    expect(hold.lost).toBe(false);
    await passes(10);
    expect(hold.lost).toBe(true);
    expect(hold.lostBecause).toBe('taken');
    await hold.stop();
  });

  it('is lost a duration after the last renewal that took was sent, when renewals fail', async () => {
    let failing = false;
    const sent: number[] = [];
    const hold = holdLease({
      claimedAt: Date.now(),
      durationMs: 300,
      everyMs: 20,
      renew: async () => {
        if (failing) throw new Error('connection terminated');
        sent.push(Date.now());
        return true;
      },
      warn,
    });
    await passes(100);
    failing = true;
    const lastTook = sent[sent.length - 1];
    // Held until a duration after that renewal was sent, and not a moment later.
    await passes(lastTook + 299 - Date.now());
    expect(hold.lost).toBe(false);
    await passes(1);
    expect(hold.lost).toBe(true);
    expect(hold.lostBecause).toBe('ran-out');
    await hold.stop();
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /could not be renewed: Error: connection terminated/,
      ),
    );
  });

  it('stays lost once it ran out, though a later renewal takes', async () => {
    let failing = true;
    const renew = jest.fn(async () => {
      if (failing) throw new Error('connection terminated');
      return true;
    });
    const hold = holdLease({
      claimedAt: Date.now(),
      durationMs: 100,
      everyMs: 10,
      renew,
      warn,
    });
    await passes(150);
    expect(hold.lostBecause).toBe('ran-out');
    failing = false;
    await passes(100);
    expect(hold.lost).toBe(true);
    expect(hold.lostBecause).toBe('ran-out');
    await hold.stop();
  });

  it('counts a slow renewal from when it was sent, not from when it answered', async () => {
    let mode: 'quick' | 'slow' | 'failing' = 'quick';
    let slowSentAt = 0;
    const hold = holdLease({
      claimedAt: Date.now(),
      durationMs: 200,
      everyMs: 20,
      renew: async () => {
        if (mode === 'failing') throw new Error('connection terminated');
        if (mode === 'slow') {
          mode = 'failing';
          slowSentAt = Date.now();
          await sleep(150);
        }
        return true;
      },
      warn,
    });
    await passes(50);
    // The next renewal is sent at 60 ms and answers 150 ms later, before the
    // hold from the quick ones ran out; every renewal after it fails.
    mode = 'slow';
    await passes(200);
    expect(hold.lost).toBe(false);
    // Held until a duration after it was sent (counted from its answer, it
    // would hold 150 ms longer).
    await passes(slowSentAt + 199 - Date.now());
    expect(hold.lost).toBe(false);
    await passes(1);
    expect(hold.lostBecause).toBe('ran-out');
    await hold.stop();
  });

  it('is lost when a fenced write says so', async () => {
    const hold = holdLease({
      claimedAt: Date.now(),
      durationMs: 60_000,
      renew: async () => true,
      warn,
    });
    expect(hold.lost).toBe(false);
    hold.markLost();
    expect(hold.lost).toBe(true);
    await hold.stop();
  });

  it('stops renewing after the longest hold, and says so once', async () => {
    const renew = jest.fn(async () => true);
    const hold = holdLease({
      claimedAt: Date.now(),
      durationMs: 90,
      everyMs: 10,
      maxMs: 100,
      renew,
      warn,
    });
    await passes(100);
    const calls = renew.mock.calls.length;
    expect(calls).toBeGreaterThanOrEqual(9);
    await passes(300);
    expect(renew.mock.calls.length).toBe(calls);
    expect(hold.lost).toBe(true);
    await hold.stop();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/no longer renewed/),
    );
  });
});
