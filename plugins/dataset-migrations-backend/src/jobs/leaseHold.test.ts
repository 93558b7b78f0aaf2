import { holdLease } from './leaseHold';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('holdLease', () => {
  const warn = jest.fn();
  beforeEach(() => warn.mockReset());

  it('stays held while renewals take, past the first duration', async () => {
    const renew = jest.fn(async () => true);
    const hold = holdLease({
      claimedAt: Date.now(),
      durationMs: 1_000,
      everyMs: 20,
      renew,
      warn,
    });
    await sleep(1_500);
    expect(hold.lost).toBe(false);
    expect(hold.lostBecause).toBeUndefined();
    await hold.stop();
    expect(renew.mock.calls.length).toBeGreaterThanOrEqual(10);
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
    await sleep(100);
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
    await sleep(100);
    failing = true;
    const lastTook = sent[sent.length - 1];
    // Held until a duration after that renewal was sent, and not later.
    for (;;) {
      const lost = hold.lost;
      const readBy = Date.now();
      if (readBy >= lastTook + 290) break;
      expect(lost).toBe(false);
      await sleep(5);
    }
    await sleep(lastTook + 300 - Date.now() + 5);
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
    const hold = holdLease({
      claimedAt: Date.now(),
      durationMs: 100,
      everyMs: 10,
      renew: async () => {
        if (failing) throw new Error('connection terminated');
        return true;
      },
      warn,
    });
    await sleep(150);
    expect(hold.lostBecause).toBe('ran-out');
    failing = false;
    await sleep(100);
    expect(hold.lost).toBe(true);
    expect(hold.lostBecause).toBe('ran-out');
    await hold.stop();
  });

  it('counts a slow renewal from when it was sent, not from when it answered', async () => {
    let slow = false;
    const hold = holdLease({
      claimedAt: Date.now(),
      durationMs: 200,
      everyMs: 20,
      renew: async () => {
        if (slow) await sleep(400);
        return true;
      },
      warn,
    });
    await sleep(50);
    slow = true;
    // The renewal under way was sent at most 20 ms after the last quick one;
    // answering 400 ms later, it extends the hold only to 200 ms after it was
    // sent, which has passed by then (counted from its answer, it would hold
    // until 200 ms after that).
    await sleep(500);
    expect(hold.lost).toBe(true);
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
    await sleep(300);
    const calls = renew.mock.calls.length;
    await sleep(100);
    expect(renew.mock.calls.length).toBe(calls);
    expect(hold.lost).toBe(true);
    await hold.stop();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/no longer renewed/),
    );
  });
});
