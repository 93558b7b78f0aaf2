import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PullRequestDraft } from '@dataset-migrations/plugin-dataset-migrations-node';
import { createRepository, gitIn } from '../../__testUtils__/gitRepos';
import { MAX_DIFF_BYTES } from './diffLimit';
import { LocalGitScmProvider } from './LocalGitScmProvider';
import { LocalRepositoryRoots } from '../repositories/LocalRepositoryRoots';

const BRANCH = 'dataset-migrations/listening-events-v2/orders';
const git = (repo: string, ...args: string[]) => gitIn(repo, ...args).trim();

// A budget for a loaded machine; nothing here waits on time.
jest.setTimeout(30_000);

describe('LocalGitScmProvider pull requests in the portal', () => {
  const provider = new LocalGitScmProvider(
    new LocalRepositoryRoots([tmpdir()]),
  );
  let root: string;
  let repo: string;

  function draft(overrides: Partial<PullRequestDraft> = {}): PullRequestDraft {
    return {
      repositoryUrl: `url:${pathToFileURL(repo).href}/`,
      baseBranch: 'main',
      branch: BRANCH,
      title: 'Read listening-events schema version 2',
      body: '## Mapping\n\n| from | to |\n|---|---|\n| track_id | track_uri |',
      commitMessage: 'Read listening-events schema version 2',
      files: [
        {
          path: 'queries/events.sql',
          content: 'select track_uri as track_id\nfrom listening_events;\n',
        },
      ],
      ...overrides,
    };
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'local-git-pulls-test-'));
    repo = createRepository(join(root, 'orders'), {
      'README.md': 'orders service\n',
      'queries/events.sql': 'select track_id\nfrom listening_events;\n',
      'queries/users.sql': 'select * from users;\n',
    });
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  describe('describePullRequest', () => {
    it('reads title, body, branch, base, state, per-file counts and the diff', async () => {
      await provider.openPullRequest(
        draft({
          files: [
            ...draft().files,
            { path: 'queries/new.sql', content: 'select 1;\nselect 2;\n' },
          ],
        }),
      );

      const pull = await provider.describePullRequest(repo, BRANCH);

      expect(pull).toMatchObject({
        provider: 'local-git',
        url: `${pathToFileURL(repo).href}#pull/1`,
        number: 1,
        title: 'Read listening-events schema version 2',
        body: draft().body,
        branch: BRANCH,
        base: 'main',
        state: 'open',
        diffTruncated: false,
      });
      expect(pull!.files).toEqual([
        { path: 'queries/events.sql', additions: 1, deletions: 1 },
        { path: 'queries/new.sql', additions: 2, deletions: 0 },
      ]);
      // What `git diff main...branch` shows, nothing of the untouched files.
      expect(pull!.diff).toBe(
        gitIn(repo, 'diff', '--no-color', `main...${BRANCH}`),
      );
      expect(pull!.diff).toContain('-select track_id\n');
      expect(pull!.diff).toContain('+select track_uri as track_id\n');
      expect(pull!.diff).not.toContain('users.sql');
      expect(
        await provider.describePullRequest(repo, 'dataset-migrations/none'),
      ).toBeUndefined();
    });

    it('diffs against where the branch left the base, also after the base moved on', async () => {
      await provider.openPullRequest(draft());
      writeFileSync(join(repo, 'README.md'), 'orders service, v2\n');
      git(repo, 'commit', '-q', '-am', 'later work on main');

      const pull = await provider.describePullRequest(repo, BRANCH);

      expect(pull!.files.map(f => f.path)).toEqual(['queries/events.sql']);
      expect(pull!.diff).not.toContain('README.md');
    });

    it('still shows what a pull request changed once it is merged, also for records without their base', async () => {
      await provider.openPullRequest(draft());
      // A record written before the base commit was kept.
      const file = join(repo, '.git', 'dataset-migrations', 'pulls.json');
      const data = JSON.parse(readFileSync(file, 'utf8'));
      delete data.pulls[0].baseSha;
      writeFileSync(file, JSON.stringify(data));
      git(repo, 'merge', '-q', '--ff-only', BRANCH);

      const pull = await provider.describePullRequest(repo, BRANCH);

      expect(pull).toMatchObject({ state: 'merged' });
      expect(pull!.files).toEqual([
        { path: 'queries/events.sql', additions: 1, deletions: 1 },
      ]);
      expect(pull!.diff).toContain('+select track_uri as track_id\n');
    });

    it(`cuts a diff longer than ${
      MAX_DIFF_BYTES / 1024
    } KiB at a line, with a marker, and still counts every line`, async () => {
      const lines = Array.from(
        { length: 20_000 },
        (_, i) => `select ${i} as n, 'padding padding padding';`,
      );
      await provider.openPullRequest(
        draft({
          files: [
            { path: 'queries/big.sql', content: `${lines.join('\n')}\n` },
          ],
        }),
      );

      const pull = await provider.describePullRequest(repo, BRANCH);

      expect(pull!.diffTruncated).toBe(true);
      const [kept, marker] = pull!.diff.split('\n… ');
      expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(MAX_DIFF_BYTES);
      expect(kept.endsWith(';\n')).toBe(true); // whole lines only
      expect(marker).toMatch(
        /^diff cut at 512 KiB of \d+ bytes; the whole change is on the branch\n$/,
      );
      expect(pull!.files).toEqual([
        { path: 'queries/big.sql', additions: 20_000, deletions: 0 },
      ]);
    });
  });

  describe('mergePullRequest', () => {
    it('fast-forwards the checked-out base, work tree included, and the pull request reads merged', async () => {
      await provider.openPullRequest(draft());
      const head = git(repo, 'rev-parse', BRANCH);

      const ref = await provider.mergePullRequest(
        draft().repositoryUrl,
        BRANCH,
      );

      expect(ref).toMatchObject({ number: 1, state: 'merged' });
      expect(git(repo, 'rev-parse', 'main')).toBe(head);
      expect(git(repo, 'show', 'main:queries/events.sql')).toBe(
        'select track_uri as track_id\nfrom listening_events;',
      );
      // The work tree follows its branch, as after `git merge`.
      expect(readFileSync(join(repo, 'queries/events.sql'), 'utf8')).toBe(
        'select track_uri as track_id\nfrom listening_events;\n',
      );
      expect(git(repo, 'status', '--porcelain')).toBe('');
      expect(await provider.getPullRequest(repo, BRANCH)).toMatchObject({
        state: 'merged',
      });
      // Still shows what it changed once merged.
      const pull = await provider.describePullRequest(repo, BRANCH);
      expect(pull).toMatchObject({ state: 'merged' });
      expect(pull!.diff).toContain('+select track_uri as track_id');

      await expect(provider.mergePullRequest(repo, BRANCH)).rejects.toThrow(
        `pull request #1 of ${repo} is merged, not open`,
      );
    });

    it('writes a merge commit when the base moved on without touching the same lines', async () => {
      await provider.openPullRequest(draft());
      writeFileSync(join(repo, 'README.md'), 'orders service, v2\n');
      git(repo, 'commit', '-q', '-am', 'later work on main');
      const mainBefore = git(repo, 'rev-parse', 'main');
      const head = git(repo, 'rev-parse', BRANCH);

      await provider.mergePullRequest(repo, BRANCH);

      expect(git(repo, 'rev-parse', 'main^1')).toBe(mainBefore);
      expect(git(repo, 'rev-parse', 'main^2')).toBe(head);
      expect(git(repo, 'log', '-1', '--format=%s', 'main')).toBe(
        `Merge pull request #1 from ${BRANCH}`,
      );
      expect(git(repo, 'show', 'main:README.md')).toBe('orders service, v2');
      expect(git(repo, 'show', 'main:queries/events.sql')).toContain(
        'track_uri',
      );
      expect(git(repo, 'status', '--porcelain')).toBe('');
      expect(await provider.getPullRequest(repo, BRANCH)).toMatchObject({
        state: 'merged',
      });
    });

    it('refuses a merge that conflicts, naming the file, and changes nothing', async () => {
      await provider.openPullRequest(draft());
      writeFileSync(
        join(repo, 'queries/events.sql'),
        'select track_id, user_id\nfrom listening_events;\n',
      );
      git(repo, 'commit', '-q', '-am', 'conflicting work on main');
      const mainBefore = git(repo, 'rev-parse', 'main');
      const indexBefore = readFileSync(join(repo, '.git', 'index'));

      const refused = provider.mergePullRequest(repo, BRANCH);

      await expect(refused).rejects.toMatchObject({ name: 'ConflictError' });
      await expect(refused).rejects.toThrow(
        /#1 of .* does not merge cleanly into "main": queries\/events\.sql changed on both sides/,
      );
      expect(git(repo, 'rev-parse', 'main')).toBe(mainBefore);
      expect(git(repo, 'status', '--porcelain')).toBe('');
      expect(readFileSync(join(repo, '.git', 'index'))).toEqual(indexBefore);
      expect(await provider.getPullRequest(repo, BRANCH)).toMatchObject({
        state: 'open',
      });
    });

    it('refuses to overwrite uncommitted changes in the work tree', async () => {
      await provider.openPullRequest(draft());
      const mainBefore = git(repo, 'rev-parse', 'main');
      writeFileSync(join(repo, 'queries/events.sql'), 'select 42;\n');

      await expect(provider.mergePullRequest(repo, BRANCH)).rejects.toThrow(
        /work tree at .* has local changes in the way/,
      );

      expect(git(repo, 'rev-parse', 'main')).toBe(mainBefore);
      expect(readFileSync(join(repo, 'queries/events.sql'), 'utf8')).toBe(
        'select 42;\n',
      );
    });

    it('merges in a bare repository, and refuses a closed or unknown pull request', async () => {
      const bare = join(root, 'bare.git');
      git(root, 'clone', '-q', '--bare', repo, bare);
      await provider.openPullRequest(draft({ repositoryUrl: bare }));
      await provider.openPullRequest(
        draft({ repositoryUrl: bare, branch: 'dataset-migrations/other' }),
      );

      await provider.mergePullRequest(bare, BRANCH);
      expect(git(bare, 'rev-parse', 'main')).toBe(
        git(bare, 'rev-parse', BRANCH),
      );

      const file = join(bare, 'dataset-migrations', 'pulls.json');
      const data = JSON.parse(readFileSync(file, 'utf8'));
      data.pulls[1].state = 'closed';
      writeFileSync(file, JSON.stringify(data));
      await expect(
        provider.mergePullRequest(bare, 'dataset-migrations/other'),
      ).rejects.toThrow('is closed, not open');

      await expect(
        provider.mergePullRequest(bare, 'dataset-migrations/none'),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: `no pull request from branch "dataset-migrations/none" in ${bare}`,
      });
    });
  });
});
