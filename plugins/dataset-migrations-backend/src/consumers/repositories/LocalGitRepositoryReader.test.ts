import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRepository, gitIn } from '../../__testUtils__/gitRepos';
import { LocalGitRepositoryReader } from './LocalGitRepositoryReader';
import { LocalRepositoryRoots } from './LocalRepositoryRoots';

describe('a local repository read and checked out at the commit a patch was made from', () => {
  let work: string;
  let repo: string;
  let reader: LocalGitRepositoryReader;
  let url: string;
  let first: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'dsm-local-reader-'));
    repo = createRepository(join(work, 'reports'), {
      'models/plays.sql': 'select track_id from listening_events\n',
    });
    first = gitIn(repo, 'rev-parse', 'HEAD').trim();
    // The branch moves on after the patch was made.
    writeFileSync(
      join(repo, 'models/plays.sql'),
      'select track_id, user_id from listening_events\n',
    );
    gitIn(repo, 'commit', '-q', '-am', 'moved on');
    reader = new LocalGitRepositoryReader(new LocalRepositoryRoots([work]));
    url = pathToFileURL(repo).href;
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reads the branch now, or as it was at a commit', async () => {
    const now = await reader.read(url);
    expect(now.commit).not.toBe(first);
    expect(now.files[0].content).toContain('user_id');
    expect(now.tipCommit).toBe(now.commit);
    expect(now.defaultBranch).toBe('main');
    const then = await reader.read(url, first);
    expect(then.commit).toBe(first);
    // Read in the same process: where the branch was then, so a caller knows
    // whether this read also serves for the branch's tip.
    expect(then.tipCommit).toBe(now.commit);
    expect(then.defaultBranch).toBe('main');
    expect(then.files).toEqual([
      {
        path: 'models/plays.sql',
        content: 'select track_id from listening_events\n',
      },
    ]);
  });

  it("gives a commit's files as they are, however a caller changed an earlier read", async () => {
    const once = await reader.read(url, first);
    once.files[0].content = 'changed by a caller';
    once.files.pop();
    expect((await reader.read(url, first)).files).toEqual([
      {
        path: 'models/plays.sql',
        content: 'select track_id from listening_events\n',
      },
    ]);
  });

  it('checks out exactly that commit', async () => {
    const dir = join(work, 'copy');
    await reader.checkout(url, dir, first);
    expect(gitIn(dir, 'rev-parse', 'HEAD').trim()).toBe(first);
    expect(readFileSync(join(dir, 'models/plays.sql'), 'utf8')).toBe(
      'select track_id from listening_events\n',
    );
  });

  it('refuses what is not a commit id, before git sees it', async () => {
    await expect(
      reader.checkout(url, join(work, 'x'), '--upload-pack=touch pwned'),
    ).rejects.toThrow('is not a commit id');
    await expect(reader.read(url, '--output=/tmp/pwned')).rejects.toThrow(
      'is not a commit id',
    );
  });

  it('says so when HEAD is not on a branch', async () => {
    const detached = createRepository(join(work, 'detached'), {
      'a.sql': 'select 1\n',
    });
    gitIn(detached, 'checkout', '-q', '--detach');
    await expect(reader.read(pathToFileURL(detached).href)).rejects.toThrow(
      'its HEAD is not a branch (HEAD)',
    );
  });
});
