import {
  inWindow,
  mayStartAt,
  nextStartAt,
  whyNotStartAt,
  type RolloutWindow,
} from './rolloutCalendar';

const at = (iso: string) => new Date(iso);
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as RolloutWindow['days'];

describe('rolloutCalendar', () => {
  const stockholmMornings: RolloutWindow = {
    days: weekdays,
    start: '08:00',
    end: '10:00',
    timeZone: 'Europe/Stockholm',
  };

  it('reads a window in its own time zone, before and after a DST change', () => {
    // Friday 2027-03-26, CET (UTC+1): 08:00 local is 07:00Z.
    expect(inWindow(at('2027-03-26T06:59:00Z'), stockholmMornings)).toBe(false);
    expect(inWindow(at('2027-03-26T07:00:00Z'), stockholmMornings)).toBe(true);
    expect(inWindow(at('2027-03-26T08:59:00Z'), stockholmMornings)).toBe(true);
    expect(inWindow(at('2027-03-26T09:00:00Z'), stockholmMornings)).toBe(false);
    // Monday 2027-03-29, CEST (UTC+2) since Sunday: 08:00 local is 06:00Z.
    expect(inWindow(at('2027-03-29T06:00:00Z'), stockholmMornings)).toBe(true);
    expect(inWindow(at('2027-03-29T08:00:00Z'), stockholmMornings)).toBe(false);
  });

  it('finds the next opening across a weekend and a DST change', () => {
    // Friday after the window: the next is Monday 08:00 CEST, 06:00Z, not 07:00Z.
    expect(
      nextStartAt(at('2027-03-26T09:30:00Z'), [stockholmMornings], []),
    ).toEqual(at('2027-03-29T06:00:00Z'));
    // Autumn: back to CET on Sunday 2027-10-31; Monday 08:00 is 07:00Z again.
    expect(
      nextStartAt(at('2027-10-29T09:30:00Z'), [stockholmMornings], []),
    ).toEqual(at('2027-11-01T07:00:00Z'));
  });

  it('answers now when a migration may start now, and any time without windows', () => {
    const now = at('2027-03-26T07:30:00Z');
    expect(nextStartAt(now, [stockholmMornings], [])).toEqual(now);
    expect(mayStartAt(at('2027-03-27T03:00:00Z'), [], [])).toBe(true);
  });

  it('spans midnight: the window belongs to the day it opens on', () => {
    const fridayNights: RolloutWindow = {
      days: ['fri'],
      start: '22:00',
      end: '02:00',
      timeZone: 'UTC',
    };
    expect(inWindow(at('2027-03-26T21:59:00Z'), fridayNights)).toBe(false);
    expect(inWindow(at('2027-03-26T23:00:00Z'), fridayNights)).toBe(true);
    // Saturday 01:00 is still Friday's window; Saturday 23:00 is not a window.
    expect(inWindow(at('2027-03-27T01:00:00Z'), fridayNights)).toBe(true);
    expect(inWindow(at('2027-03-27T02:00:00Z'), fridayNights)).toBe(false);
    expect(inWindow(at('2027-03-27T23:00:00Z'), fridayNights)).toBe(false);
    // Thursday 01:00 is not (Wednesday is not listed).
    expect(inWindow(at('2027-03-25T01:00:00Z'), fridayNights)).toBe(false);
    expect(nextStartAt(at('2027-03-27T02:00:00Z'), [fridayNights], [])).toEqual(
      at('2027-04-02T22:00:00Z'),
    );
  });

  it('holds every freeze whatever the windows say, and resumes when it ends', () => {
    const freezes = [
      {
        from: '2027-03-29T00:00:00Z',
        to: '2027-03-30',
        reason: 'quarter close',
      },
    ];
    // Monday's window falls in the freeze (through Tuesday, the date-only end day).
    expect(
      mayStartAt(at('2027-03-29T06:30:00Z'), [stockholmMornings], freezes),
    ).toBe(false);
    expect(
      whyNotStartAt(at('2027-03-29T06:30:00Z'), [stockholmMornings], freezes),
    ).toBe('frozen from 2027-03-29T00:00:00Z to 2027-03-30 (quarter close)');
    expect(
      nextStartAt(at('2027-03-29T06:30:00Z'), [stockholmMornings], freezes),
    ).toEqual(at('2027-03-31T06:00:00Z'));
    // Without windows, the freeze's end itself.
    expect(nextStartAt(at('2027-03-29T06:30:00Z'), [], freezes)).toEqual(
      at('2027-03-31T00:00:00Z'),
    );
    expect(
      whyNotStartAt(at('2027-03-31T12:00:00Z'), [stockholmMornings], freezes),
    ).toBe('outside every rollout window');
  });

  it('reads start = end as the 24 hours from start, and looks past a freeze longer than a week', () => {
    const saturdays: RolloutWindow = {
      days: ['sat'],
      start: '10:00',
      end: '10:00',
      timeZone: 'UTC',
    };
    expect(inWindow(at('2027-03-28T09:59:00Z'), saturdays)).toBe(true);
    expect(inWindow(at('2027-03-28T10:00:00Z'), saturdays)).toBe(false);
    expect(nextStartAt(at('2027-03-26T12:00:00Z'), [saturdays], [])).toEqual(
      at('2027-03-27T10:00:00Z'),
    );
    const longFreeze = [{ from: '2027-03-01', to: '2027-04-30' }];
    // The freeze ends Saturday 2027-05-01 00:00Z; that Saturday's window opens at 10:00.
    expect(
      nextStartAt(at('2027-03-26T12:00:00Z'), [saturdays], longFreeze),
    ).toEqual(at('2027-05-01T10:00:00Z'));
  });
});
