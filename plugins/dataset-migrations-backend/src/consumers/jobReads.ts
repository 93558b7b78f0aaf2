import type { RepositorySnapshot } from './repositories/RepositoryReader';

/**
 * A job's reads of a consumer's repository: its default branch read at most once
 * (as the job first sees it), and each commit asked for at most once.
 */
export function jobReads(
  read: (commit?: string) => Promise<RepositorySnapshot>,
): (commit?: string) => Promise<RepositorySnapshot> {
  let tip: Promise<RepositorySnapshot> | undefined;
  const atCommit = new Map<string, Promise<RepositorySnapshot>>();
  return async commit => {
    if (!commit) {
      // A commit read earlier in this job that was the tip then is the branch
      // as this job sees it (verify reads the patch's commit, the pull request
      // the branch): one read of the repository, not two.
      for (const earlier of tip ? [] : atCommit.values()) {
        const then = await earlier.catch(() => undefined);
        if (then?.tipCommit !== undefined && then.tipCommit === then.commit)
          tip = earlier;
      }
      return (tip ??= read());
    }
    if (tip && (await tip).commit === commit) return tip;
    let reading = atCommit.get(commit);
    if (!reading) atCommit.set(commit, (reading = read(commit)));
    return reading;
  };
}
