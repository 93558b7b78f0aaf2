import { CommitFilesCache } from './CommitFilesCache';

describe('CommitFilesCache', () => {
  const file = (path: string, size: number) => ({
    path,
    content: 'x'.repeat(size),
  });

  it('reads a commit once, and each repository and commit apart', async () => {
    const cache = new CommitFilesCache(1000);
    const read = jest.fn(async () => [file('a.sql', 10)]);
    await cache.filesAt('repo', 'c1', read);
    await cache.filesAt('repo', 'c1', read);
    expect(read).toHaveBeenCalledTimes(1);
    await cache.filesAt('repo', 'c2', read);
    await cache.filesAt('other', 'c1', read);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it('lets the commit used longest ago go when it holds too much', async () => {
    const cache = new CommitFilesCache(1000);
    const reads: string[] = [];
    const at = (commit: string) =>
      cache.filesAt('repo', commit, async () => {
        reads.push(commit);
        return [file('a.sql', 145)]; // 250 with its path and overhead
      });
    await at('c1');
    await at('c2');
    await at('c3');
    await at('c4');
    await at('c1'); // used again: c2 is now the oldest
    await at('c5'); // over 1,000 characters: c2 goes
    await at('c1');
    await at('c2');
    expect(reads).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c2']);
  });

  it('keeps no repository that would push out most others, and no failed read', async () => {
    const cache = new CommitFilesCache(1000);
    const big = jest.fn(async () => [file('big.sql', 300)]);
    await cache.filesAt('repo', 'c1', big);
    await cache.filesAt('repo', 'c1', big);
    expect(big).toHaveBeenCalledTimes(2);
    const failing = jest
      .fn()
      .mockRejectedValueOnce(new Error('git died'))
      .mockResolvedValue([file('a.sql', 1)]);
    await expect(cache.filesAt('repo', 'c2', failing)).rejects.toThrow(
      'git died',
    );
    await cache.filesAt('repo', 'c2', failing);
    expect(failing).toHaveBeenCalledTimes(2);
  });

  it('reads a commit once when several ask for it at the same time', async () => {
    const cache = new CommitFilesCache(1000);
    let release: () => void = () => {};
    const read = jest.fn(
      () =>
        new Promise<Array<{ path: string; content: string }>>(resolve => {
          release = () => resolve([file('a.sql', 10)]);
        }),
    );
    const both = Promise.all([
      cache.filesAt('repo', 'c1', read),
      cache.filesAt('repo', 'c1', read),
    ]);
    release();
    const [first, second] = await both;
    expect(read).toHaveBeenCalledTimes(1);
    first[0].content = 'changed by one caller';
    expect(second[0].content).toBe('x'.repeat(10));
  });
});
