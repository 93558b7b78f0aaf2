/** How much of a pull request's diff the portal is given: 512 KiB, then a marker line. */
export const MAX_DIFF_BYTES = 512 * 1024;

/**
 * The diff as it is when it fits, else its whole lines up to {@link MAX_DIFF_BYTES}
 * followed by a marker line that says how long it was.
 */
export function boundDiff(
  diff: string,
  totalBytes = Buffer.byteLength(diff),
): { diff: string; diffTruncated: boolean } {
  if (totalBytes <= MAX_DIFF_BYTES && Buffer.byteLength(diff) <= MAX_DIFF_BYTES)
    return { diff, diffTruncated: false };
  const kept = Buffer.from(diff).subarray(0, MAX_DIFF_BYTES).toString();
  const end = kept.lastIndexOf('\n');
  return {
    diff: `${end < 0 ? '' : kept.slice(0, end + 1)}${diffCutMarker(
      totalBytes,
    )}`,
    diffTruncated: true,
  };
}

export function diffCutMarker(totalBytes?: number): string {
  const of = totalBytes === undefined ? '' : ` of ${totalBytes} bytes`;
  return `\n… diff cut at ${
    MAX_DIFF_BYTES / 1024
  } KiB${of}; the whole change is on the branch\n`;
}
