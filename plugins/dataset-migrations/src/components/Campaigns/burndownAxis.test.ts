import { burndownAxis } from './burndownAxis';

const at = (iso: string) => Date.parse(iso);
const start = at('2026-11-20T10:00:00Z');
const finished = at('2026-11-20T10:05:00Z');
const deadline = at('2027-03-31T00:00:00Z');

describe('burndownAxis', () => {
  it('shows five minutes of progress, not a sliver of four months, until asked for the deadline', () => {
    const axis = burndownAxis(start, finished, deadline);
    expect(axis.deadlineCrowds).toBe(true);
    expect(axis.showsDeadline).toBe(false);
    expect(axis.domain).toEqual([start, finished]);

    const asked = burndownAxis(start, finished, deadline, 'deadline');
    expect(asked.showsDeadline).toBe(true);
    expect(asked.domain).toEqual([start, deadline]);
  });

  it('runs to the deadline when the progress fills a readable share of it', () => {
    const axis = burndownAxis(start, at('2027-01-20T00:00:00Z'), deadline);
    expect(axis.deadlineCrowds).toBe(false);
    expect(axis.showsDeadline).toBe(true);
    expect(axis.domain).toEqual([start, deadline]);
  });

  it('keeps a passed deadline on the axis, whatever the view', () => {
    const late = at('2027-04-10T00:00:00Z');
    const axis = burndownAxis(start, late, deadline, 'progress');
    expect(axis.showsDeadline).toBe(true);
    expect(axis.domain).toEqual([start, late]);
  });

  it('labels an axis of minutes by time to the second, of hours by time of day, of months by date', () => {
    const minutes = burndownAxis(start, finished, deadline);
    const short = burndownAxis(
      start,
      at('2026-11-20T16:00:00Z'),
      at('2026-11-21T00:00:00Z'),
    );
    const long = burndownAxis(start, finished, deadline, 'deadline');
    const label = new Date(finished);
    expect(minutes.tick(finished)).toBe(
      label.toLocaleString(undefined, {
        hour: 'numeric',
        minute: '2-digit',
        second: '2-digit',
      }),
    );
    expect(short.tick(finished)).toBe(
      label.toLocaleString(undefined, { hour: 'numeric', minute: '2-digit' }),
    );
    expect(long.tick(finished)).toBe(
      label.toLocaleString(undefined, { month: 'short', day: 'numeric' }),
    );
  });
});
