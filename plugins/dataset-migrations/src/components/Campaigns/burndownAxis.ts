/**
 * The burndown's time axis. Drawn up to the deadline, a campaign whose work all
 * happened within minutes of a deadline weeks away is a vertical line at the left
 * edge; so when its progress would fill less than a tenth of that width, the
 * chart shows the progress so far and says where the deadline is.
 */
export type BurndownView = 'progress' | 'deadline';

/** Below this share of the width, progress is unreadable on a deadline axis. */
const READABLE_SHARE = 0.1;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export interface BurndownAxis {
  domain: [number, number];
  /** Whether the deadline is on the axis (else the chart says where it is). */
  showsDeadline: boolean;
  /** Whether the progress so far is unreadable drawn to the deadline. */
  deadlineCrowds: boolean;
  /** Ticks as dates on a long axis, times of day on a short one (with seconds within minutes). */
  tick(ms: number): string;
}

/**
 * @param first - the first point's time
 * @param end - where progress ends: the campaign's finish, or now while it runs
 * @param view - what the user picked; by default, whichever is readable
 */
export function burndownAxis(
  first: number,
  end: number,
  deadline: number,
  view?: BurndownView,
): BurndownAxis {
  // At least a minute, so a single point still has an axis around it.
  const progressEnd = Math.max(end, first + MINUTE_MS);
  const deadlineCrowds =
    deadline > progressEnd &&
    (progressEnd - first) / (deadline - first) < READABLE_SHARE;
  const showsDeadline =
    (view ?? (deadlineCrowds ? 'progress' : 'deadline')) === 'deadline' ||
    deadline <= progressEnd;
  const domain: [number, number] = [
    first,
    showsDeadline ? Math.max(progressEnd, deadline) : progressEnd,
  ];
  const span = domain[1] - domain[0];
  let format: Intl.DateTimeFormatOptions = { month: 'short', day: 'numeric' };
  if (span <= 2 * DAY_MS) format = { hour: 'numeric', minute: '2-digit' };
  // Minutes apart, ticks would all read the same minute.
  if (span <= 10 * MINUTE_MS) format = { ...format, second: '2-digit' };
  return {
    domain,
    showsDeadline,
    deadlineCrowds,
    tick: ms => new Date(ms).toLocaleString(undefined, format),
  };
}
