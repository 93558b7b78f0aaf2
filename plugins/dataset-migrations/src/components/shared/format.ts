/** "2 h 5 min", "1 min 5 s", "850 ms": a span of milliseconds. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "1,000,000": a count of rows, the same on every machine. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "540,000 of 1,000,000 rows · 270,000 rows/s · 2 s left" */
export function formatProgress(step: {
  rowsDone?: number;
  rowsTotal?: number;
  startedAt: string;
  finishedAt?: string;
}): string {
  const done = step.rowsDone ?? 0;
  const total = step.rowsTotal ?? 0;
  const seconds =
    ((step.finishedAt ? Date.parse(step.finishedAt) : Date.now()) -
      Date.parse(step.startedAt)) /
    1000;
  const rate = seconds > 0 ? done / seconds : 0;
  const parts = [`${formatCount(done)} of ${formatCount(total)} rows`];
  if (rate > 0) parts.push(`${formatCount(Math.round(rate))} rows/s`);
  if (!step.finishedAt && rate > 0 && total > done)
    parts.push(`${Math.ceil((total - done) / rate)} s left`);
  return parts.join(' · ');
}

export function formatTime(iso?: string): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/**
 * "3 Dec 2026, 14:05": a moment to the minute, in the reader's locale and time
 * zone, for a sentence such as "Contract possible after …".
 */
export function formatMoment(iso: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));
}

/** `listening-events-impact-2026-12-01.csv`: what a download is of, and the local date. */
export function datedFileName(
  name: string,
  extension: string,
  now = new Date(),
): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(
    now.getDate(),
  )}`;
  return `${name}-${date}.${extension}`;
}

/**
 * The backend rejects a request with one message listing every problem, separated
 * by "; ", after what was invalid ("Invalid migration request: ", "Invalid campaign
 * document: "). The dialog shows them as a list, one problem a line.
 */
export function splitProblems(message: string): string[] {
  const body = message.replace(/^Invalid [^:]+: /, '');
  return body.split('; ').filter(Boolean);
}

/** The server's own words for a failed request, rather than "Request failed with 400". */
export function messageOf(error: unknown): string {
  const cause = (error as { cause?: { message?: string } }).cause;
  return cause?.message ?? (error as Error).message ?? String(error);
}

/**
 * A table's title with how many it lists, once that is known: "Datasets (0)"
 * while the list still loads (or failed to) would say there are none.
 */
export function countedTitle(
  label: string,
  items: readonly unknown[] | undefined,
): string {
  return items ? `${label} (${items.length})` : label;
}
