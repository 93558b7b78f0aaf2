import { jobReads } from './jobReads';
import type { RepositorySnapshot } from './repositories/RepositoryReader';

const PATCHED_FROM = 'a'.repeat(40);
const MOVED_ON = 'b'.repeat(40);

/** A repository whose branch is at `tip`; counts the reads it serves. */
function repository(tip: string) {
  const reads: Array<string | undefined> = [];
  const read = async (commit?: string): Promise<RepositorySnapshot> => {
    reads.push(commit);
    return {
      url: 'file:///repo',
      defaultBranch: 'main',
      commit: commit ?? tip,
      tipCommit: tip,
      files: [],
    };
  };
  return { read, reads };
}

describe("a job's reads of a consumer's repository", () => {
  it('uses a read of the commit a patch was made from for the branch, when it was the tip', async () => {
    const repo = repository(PATCHED_FROM);
    const snapshot = jobReads(repo.read);
    const atPatch = await snapshot(PATCHED_FROM);
    expect(await snapshot()).toBe(atPatch);
    expect(await snapshot(PATCHED_FROM)).toBe(atPatch);
    expect(repo.reads).toEqual([PATCHED_FROM]);
  });

  it('reads the branch apart when it had moved on from that commit', async () => {
    const repo = repository(MOVED_ON);
    const snapshot = jobReads(repo.read);
    await snapshot(PATCHED_FROM);
    const branch = await snapshot();
    expect(branch.commit).toBe(MOVED_ON);
    expect(await snapshot()).toBe(branch);
    expect(repo.reads).toEqual([PATCHED_FROM, undefined]);
  });

  it('uses a read of the branch for the commit it was at', async () => {
    const repo = repository(PATCHED_FROM);
    const snapshot = jobReads(repo.read);
    const branch = await snapshot();
    expect(await snapshot(PATCHED_FROM)).toBe(branch);
    expect(repo.reads).toEqual([undefined]);
  });

  it('reads the branch when the earlier read failed', async () => {
    let calls = 0;
    const snapshot = jobReads(async commit => {
      calls++;
      if (commit) throw new Error('no such commit');
      return { url: 'u', defaultBranch: 'main', commit: MOVED_ON, files: [] };
    });
    await expect(snapshot(PATCHED_FROM)).rejects.toThrow('no such commit');
    expect((await snapshot()).commit).toBe(MOVED_ON);
    expect(calls).toBe(2);
  });
});
