import { diffLines, type Change } from 'diff';

/**
 * Edits past which a file's diff is not searched for the fewest: jsdiff's Myers
 * diff costs (N + M) × D, so a 1 MiB file whose every line a rewrite changed
 * took 170 s on the backend's thread; bounded here, about 0.2 s at worst.
 */
const MAX_EDIT_LENGTH = 1000;
const CONTEXT = 3;
const NO_NEWLINE = '\\ No newline at end of file';

/**
 * A file's unified diff (`a/<path>`, `b/<path>`, three lines of context), of
 * jsdiff's fewest edits. Past MAX_EDIT_LENGTH edits it is found in linear time
 * instead: between the lines both sides begin and end with, lines are paired
 * one to one where both sides have as many (a rewrite within lines, the usual
 * case), else that middle is replaced whole. As correct and as applicable,
 * only not always the fewest lines.
 */
export function unifiedDiff(
  path: string,
  before: string,
  after: string,
): string {
  // Written out here, not by jsdiff's formatPatch: that misplaces the
  // no-newline marker when a change and the last line share a hunk, and it
  // spreads a hunk's lines as call arguments, which overflows past ~100,000.
  return [
    '===================================================================',
    `--- a/${path}\t`,
    `+++ b/${path}\t`,
    ...hunksOf(
      fewestEdits(before, after) ??
        linearEdits(linesOf(before), linesOf(after)),
    ),
    '',
  ].join('\n');
}

/** jsdiff's fewest edits, or undefined past MAX_EDIT_LENGTH. */
function fewestEdits(before: string, after: string): Edit[] | undefined {
  const changes = diffLines(before, after, {
    maxEditLength: MAX_EDIT_LENGTH,
  }) as Change[] | undefined;
  if (!changes) return undefined;
  return changes.flatMap(change => {
    let op: Edit['op'] = ' ';
    if (change.added) op = '+';
    else if (change.removed) op = '-';
    return linesOf(change.value).map(line => ({ op, line }));
  });
}

/** Lines with their `\n`: only a file's last line may lack it. */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

interface Edit {
  op: ' ' | '-' | '+';
  line: string;
}

/** Edits turning `a` into `b`, in one pass: see unifiedDiff. */
function linearEdits(a: string[], b: string[]): Edit[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const edits: Edit[] = a.slice(0, head).map(line => ({ op: ' ', line }));
  const removed = a.slice(head, a.length - tail);
  const added = b.slice(head, b.length - tail);
  const replace = (from: string[], to: string[]) => {
    for (const line of from) edits.push({ op: '-', line });
    for (const line of to) edits.push({ op: '+', line });
  };
  if (removed.length === added.length) {
    // Runs of differing lines, each removed then added, between equal ones.
    let run = 0;
    removed.forEach((line, i) => {
      if (line !== added[i]) return;
      replace(removed.slice(run, i), added.slice(run, i));
      edits.push({ op: ' ', line });
      run = i + 1;
    });
    replace(removed.slice(run), added.slice(run));
  } else replace(removed, added);
  for (const line of a.slice(a.length - tail)) edits.push({ op: ' ', line });
  return edits;
}

/** Unified-diff hunks of `edits`: CONTEXT lines around changes, nearer ones joined. */
function hunksOf(edits: Edit[]): string[] {
  const changed = edits.flatMap((e, i) => (e.op === ' ' ? [] : [i]));
  const out: string[] = [];
  // Line numbers (1-based) in each file at each edit.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (const e of edits) {
    oldAt.push(oldLine);
    newAt.push(newLine);
    if (e.op !== '+') oldLine++;
    if (e.op !== '-') newLine++;
  }
  let k = 0;
  while (k < changed.length) {
    // Changes closer than twice the context share a hunk.
    let last = k;
    while (
      last + 1 < changed.length &&
      changed[last + 1] - changed[last] <= 2 * CONTEXT + 1
    )
      last++;
    const start = Math.max(0, changed[k] - CONTEXT);
    const end = Math.min(edits.length, changed[last] + CONTEXT + 1);
    const hunk = edits.slice(start, end);
    const oldLines = hunk.filter(e => e.op !== '+').length;
    const newLines = hunk.filter(e => e.op !== '-').length;
    // An empty side starts one lower, as unified diffs have it.
    const oldStart = oldLines === 0 ? oldAt[start] - 1 : oldAt[start];
    const newStart = newLines === 0 ? newAt[start] - 1 : newAt[start];
    out.push(`@@ -${oldStart},${oldLines} +${newStart},${newLines} @@`);
    for (const { op, line } of hunk) {
      out.push(op + line.replace(/\n$/, ''));
      // Only a file's last line lacks its newline: the marker follows it.
      if (!line.endsWith('\n')) out.push(NO_NEWLINE);
    }
    k = last + 1;
  }
  return out;
}
