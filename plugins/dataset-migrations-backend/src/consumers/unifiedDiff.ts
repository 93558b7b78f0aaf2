import { formatPatch, structuredPatch, type ParsedDiff } from 'diff';

/**
 * Edits past which a file's diff is not searched for the fewest: jsdiff's Myers
 * diff costs (N + M) × D, so a 1 MiB file whose every line a rewrite changed
 * took 170 s on the backend's thread; bounded here, about 0.2 s at worst.
 */
const MAX_EDIT_LENGTH = 1000;
const CONTEXT = 3;
const NO_NEWLINE = '\\ No newline at end of file';

/**
 * A file's unified diff (`a/<path>`, `b/<path>`, three lines of context). Past
 * MAX_EDIT_LENGTH edits it is one hunk replacing whatever lies between the
 * lines both sides begin and end with: as correct and as applicable, only less
 * fine-grained.
 */
export function unifiedDiff(
  path: string,
  before: string,
  after: string,
): string {
  const names = [`a/${path}`, `b/${path}`] as const;
  const fewest = structuredPatch(...names, before, after, '', '', {
    context: CONTEXT,
    maxEditLength: MAX_EDIT_LENGTH,
  }) as ParsedDiff | undefined;
  return formatPatch(fewest ?? middleReplaced(...names, before, after));
}

/** Lines with their `\n`: only a file's last line may lack it. */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function middleReplaced(
  oldFileName: string,
  newFileName: string,
  before: string,
  after: string,
): ParsedDiff {
  const a = linesOf(before);
  const b = linesOf(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const from = Math.max(0, head - CONTEXT);
  const until = Math.min(tail, CONTEXT);
  const lines: string[] = [];
  // A line without its `\n` is the file's last: the marker follows it.
  const push = (mark: string, line: string) => {
    lines.push(mark + line.replace(/\n$/, ''));
    if (!line.endsWith('\n')) lines.push(NO_NEWLINE);
  };
  for (const line of a.slice(from, head)) push(' ', line);
  for (const line of a.slice(head, a.length - tail)) push('-', line);
  for (const line of b.slice(head, b.length - tail)) push('+', line);
  for (const line of a.slice(a.length - tail, a.length - tail + until))
    push(' ', line);
  const oldLines = a.length - tail + until - from;
  const newLines = b.length - tail + until - from;
  return {
    oldFileName,
    newFileName,
    oldHeader: '',
    newHeader: '',
    hunks: [
      // formatPatch prints an empty side's start one lower, as unified diffs do.
      { oldStart: from + 1, oldLines, newStart: from + 1, newLines, lines },
    ],
  };
}
