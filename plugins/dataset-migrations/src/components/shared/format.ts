/** "1 min 5 s", "850 ms": how long a run or step took. */
export function formatDuration(
  startedAt?: string,
  finishedAt?: string,
): string {
  if (!startedAt) return '—';
  return formatMs(
    (finishedAt ? Date.parse(finishedAt) : Date.now()) - Date.parse(startedAt),
  );
}

/** "1 min 5 s", "850 ms": a span of milliseconds. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
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
