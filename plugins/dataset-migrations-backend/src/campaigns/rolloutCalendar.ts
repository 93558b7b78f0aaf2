import type { CampaignDocument } from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * When a campaign may start new migrations: inside one of its windows (any time
 * when it has none) and outside every freeze. Pure: the runner passes its clock.
 */

export type RolloutWindow = CampaignDocument['rollout']['windows'][number];
export type RolloutFreeze = CampaignDocument['rollout']['freezes'][number];

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** A window opens at least once a week; a little more covers a DST shift. */
const SEARCH_MS = 8 * DAY_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The weekday and minute of the day at `at` in `timeZone` (DST applied). */
function localTime(
  at: Date,
  timeZone: string,
): { day: number; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(at).map(part => [part.type, part.value]),
  );
  return {
    day: WEEKDAYS.indexOf(
      parts.weekday.toLowerCase() as (typeof WEEKDAYS)[number],
    ),
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours * 60 + minutes;
}

/**
 * Inside the window: on one of its days between start and end, local time. A window
 * whose end is not after its start spans midnight: it ends on the next day (the
 * day it started on is the one listed); `start` = `end` is the 24 hours from start.
 */
export function inWindow(at: Date, window: RolloutWindow): boolean {
  const { day, minute } = localTime(at, window.timeZone);
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  const listed = (d: number) =>
    (window.days as readonly string[]).includes(WEEKDAYS[(d + 7) % 7]);
  if (start < end) return listed(day) && minute >= start && minute < end;
  return (listed(day) && minute >= start) || (listed(day - 1) && minute < end);
}

/** A freeze's `to` as a date only (`2027-04-02`) freezes that whole day (UTC). */
export function freezeEnd(freeze: Pick<RolloutFreeze, 'to'>): number {
  const end = Date.parse(freeze.to);
  return /^\d{4}-\d{2}-\d{2}$/.test(freeze.to) ? end + DAY_MS : end;
}

function activeFreeze(
  at: Date,
  freezes: readonly RolloutFreeze[],
): RolloutFreeze | undefined {
  const time = at.getTime();
  return freezes.find(
    freeze => Date.parse(freeze.from) <= time && time < freezeEnd(freeze),
  );
}

/** Whether a new migration may start at `now`. */
export function mayStartAt(
  now: Date,
  windows: readonly RolloutWindow[],
  freezes: readonly RolloutFreeze[],
): boolean {
  if (activeFreeze(now, freezes)) return false;
  return windows.length === 0 || windows.some(w => inWindow(now, w));
}

/**
 * Why nothing may start at `now` (a freeze and its reason, or the windows), or
 * undefined when something may.
 */
export function whyNotStartAt(
  now: Date,
  windows: readonly RolloutWindow[],
  freezes: readonly RolloutFreeze[],
): string | undefined {
  const freeze = activeFreeze(now, freezes);
  if (freeze)
    return `frozen from ${freeze.from} to ${freeze.to}${
      freeze.reason ? ` (${freeze.reason})` : ''
    }`;
  if (windows.length > 0 && !windows.some(w => inWindow(now, w)))
    return 'outside every rollout window';
  return undefined;
}

/**
 * The first moment at or after `now` when a migration may start; undefined when
 * no window opens within a week of the last freeze (e.g. a window on no day that
 * exists in its time zone). Windows open on whole minutes.
 */
export function nextStartAt(
  now: Date,
  windows: readonly RolloutWindow[],
  freezes: readonly RolloutFreeze[],
): Date | undefined {
  let at = now;
  // Each freeze is jumped over at most once, after at most one opening inside it.
  for (let step = 0; step <= 2 * freezes.length + 1; step++) {
    const freeze = activeFreeze(at, freezes);
    if (freeze) {
      at = new Date(freezeEnd(freeze));
      continue;
    }
    const opening = nextWindowOpening(at, windows);
    if (!opening) return undefined;
    if (!activeFreeze(opening, freezes)) return opening;
    at = opening;
  }
  // Freezes chained back to back: follow them one at a time.
  return mayStartAt(at, windows, freezes) ? at : undefined;
}

function nextWindowOpening(
  from: Date,
  windows: readonly RolloutWindow[],
): Date | undefined {
  if (windows.length === 0 || windows.some(w => inWindow(from, w))) return from;
  const first = Math.ceil(from.getTime() / MINUTE_MS) * MINUTE_MS;
  for (let t = first; t <= from.getTime() + SEARCH_MS; t += MINUTE_MS) {
    const at = new Date(t);
    if (windows.some(w => inWindow(at, w))) return at;
  }
  return undefined;
}
