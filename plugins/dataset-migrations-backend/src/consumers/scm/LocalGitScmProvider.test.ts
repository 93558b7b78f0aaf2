import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PullRequestDraft } from '@dataset-migrations/plugin-dataset-migrations-node';
import { LocalGitScmProvider } from './LocalGitScmProvider';
import {
  LEFT_COMMIT_REF_AFTER_MS,
  locate,
  moveBranch,
  readBranches,
  writeCommit,
} from './localGit';
import { LocalRepositoryRoots } from '../repositories/LocalRepositoryRoots';

const BRANCH = 'dataset-migrations/listening-events-v2';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  }).trim();
}

/** A repository on `main` with one commit of a few files. */
function createRepo(dir: string): string {
  mkdirSync(join(dir, 'queries'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), 'orders service\n');
  writeFileSync(join(dir, 'queries', 'events.sql'), 'select * from events;\n');
  writeFileSync(join(dir, 'queries', 'users.sql'), 'select * from users;\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

function records(gitDir: string) {
  return JSON.parse(
    readFileSync(join(gitDir, 'dataset-migrations', 'pulls.json'), 'utf8'),
  ).pulls;
}

describe('LocalGitScmProvider', () => {
  const provider = new LocalGitScmProvider(
    new LocalRepositoryRoots([tmpdir()]),
  );
  let root: string;
  let repo: string;

  function draft(overrides: Partial<PullRequestDraft> = {}): PullRequestDraft {
    return {
      repositoryUrl: pathToFileURL(repo).href,
      baseBranch: 'main',
      branch: BRANCH,
      title: 'Migrate to listening-events v2',
      body: '## Mapping\n\nevents → listening_events_v2',
      commitMessage: 'Migrate to listening-events v2',
      files: [
        {
          path: 'queries/events.sql',
          content: 'select * from listening_events_v2;\n',
        },
      ],
      ...overrides,
    };
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'local-git-scm-test-'));
    repo = createRepo(join(root, 'orders'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('supports file URLs and absolute paths of git repositories', () => {
    const plain = join(root, 'plain');
    mkdirSync(plain);
    const bare = join(root, 'bare.git');
    git(root, 'clone', '-q', '--bare', repo, bare);

    expect(provider.supports(pathToFileURL(repo).href)).toBe(true);
    expect(provider.supports(`url:${pathToFileURL(repo).href}/`)).toBe(true);
    expect(provider.supports(repo)).toBe(true);
    expect(provider.supports(join(repo, 'queries'))).toBe(true);
    expect(provider.supports(bare)).toBe(true);
    expect(provider.supports(plain)).toBe(false);
    expect(provider.supports('orders')).toBe(false);
    expect(provider.supports('https://github.com/acme/orders')).toBe(false);
  });

  it('opens a branch and records pull request 1 without touching the work tree', async () => {
    const mainBefore = git(repo, 'rev-parse', 'main');

    const ref = await provider.openPullRequest(draft());

    expect(ref).toEqual({
      provider: 'local-git',
      url: `${pathToFileURL(repo).href}#pull/1`,
      number: 1,
      branch: BRANCH,
      state: 'open',
    });
    expect(git(repo, 'show', `${BRANCH}:queries/events.sql`)).toBe(
      'select * from listening_events_v2;',
    );
    expect(git(repo, 'show', `${BRANCH}:queries/users.sql`)).toBe(
      'select * from users;',
    );
    expect(git(repo, 'show', `${BRANCH}:README.md`)).toBe('orders service');
    expect(git(repo, 'rev-parse', `${BRANCH}^`)).toBe(mainBefore);
    expect(git(repo, 'log', '-1', '--format=%an <%ae>|%s', BRANCH)).toBe(
      'Dataset migrations <dataset-migrations@localhost>|Migrate to listening-events v2',
    );

    expect(git(repo, 'rev-parse', 'main')).toBe(mainBefore);
    // The ref the commit was written to is gone with the branch's move.
    expect(git(repo, 'for-each-ref', 'refs/dataset-migrations')).toBe('');
    expect(git(repo, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(readFileSync(join(repo, 'queries', 'events.sql'), 'utf8')).toBe(
      'select * from events;\n',
    );

    expect(records(join(repo, '.git'))).toEqual([
      expect.objectContaining({
        number: 1,
        branch: BRANCH,
        base: 'main',
        title: 'Migrate to listening-events v2',
        body: '## Mapping\n\nevents → listening_events_v2',
        state: 'open',
      }),
    ]);
  });

  it('updates the same branch and record when opened again', async () => {
    await provider.openPullRequest(draft());
    const firstTip = git(repo, 'rev-parse', BRANCH);

    const ref = await provider.openPullRequest(
      draft({
        title: 'Migrate to listening-events v2 (revised)',
        body: 'revised',
        files: [{ path: 'queries/users.sql', content: 'select 2;\n' }],
      }),
    );

    expect(ref.number).toBe(1);
    expect(git(repo, 'rev-parse', BRANCH)).not.toBe(firstTip);
    expect(git(repo, 'rev-parse', `${BRANCH}^`)).toBe(
      git(repo, 'rev-parse', 'main'),
    );
    // Rebuilt from main, not stacked on the first attempt.
    expect(git(repo, 'show', `${BRANCH}:queries/events.sql`)).toBe(
      'select * from events;',
    );
    expect(git(repo, 'show', `${BRANCH}:queries/users.sql`)).toBe('select 2;');
    const [record] = records(join(repo, '.git'));
    expect(records(join(repo, '.git'))).toHaveLength(1);
    expect(record).toMatchObject({
      number: 1,
      title: 'Migrate to listening-events v2 (revised)',
      body: 'revised',
    });
    expect(record.updatedAt >= record.createdAt).toBe(true);
  });

  it('keeps the branch when the content is unchanged', async () => {
    await provider.openPullRequest(draft());
    const tip = git(repo, 'rev-parse', BRANCH);

    await provider.openPullRequest(draft({ body: 'new evidence' }));

    expect(git(repo, 'rev-parse', BRANCH)).toBe(tip);
    expect(records(join(repo, '.git'))[0].body).toBe('new evidence');
    expect(git(repo, 'for-each-ref', 'refs/dataset-migrations')).toBe('');
  });

  it('moves a branch only from where it was read, and leaves no ref of its own behind either way', async () => {
    const local = locate(repo)!;
    const main = git(repo, 'rev-parse', 'main');
    const commit = () =>
      writeCommit(
        local,
        main,
        [{ path: 'a.sql', content: 'select 1;\n' }],
        'm',
      );
    const refsLeft = () => git(repo, 'for-each-ref', 'refs/dataset-migrations');

    // Created meanwhile by someone else: neither created over it nor kept as ours.
    git(repo, 'branch', 'theirs', main);
    await expect(
      moveBranch(local, 'theirs', await commit(), {
        from: undefined,
        move: true,
        message: 'test',
      }),
    ).rejects.toThrow(/update-ref/);
    expect(git(repo, 'rev-parse', 'theirs')).toBe(main);
    expect(refsLeft()).toBe('');

    // Moved since it was read: the move is refused, and so is keeping it.
    const ours = await commit();
    await moveBranch(local, 'ours', ours, {
      from: undefined,
      move: true,
      message: 'test',
    });
    expect(git(repo, 'rev-parse', 'ours')).toBe(ours.sha);
    git(repo, 'branch', '-f', 'ours', main);
    for (const move of [true, false])
      await expect(
        moveBranch(local, 'ours', await commit(), {
          from: ours.sha,
          move,
          message: 'test',
        }),
      ).rejects.toThrow(/update-ref/);
    expect(git(repo, 'rev-parse', 'ours')).toBe(main);
    expect(refsLeft()).toBe('');
  });

  /** A commit on main dated `ago` ms back by its committer's clock, under our refs. */
  function leftCommitRef(name: string, ago: number): string {
    const main = git(repo, 'rev-parse', 'main');
    const sha = execFileSync(
      'git',
      ['commit-tree', `${main}^{tree}`, '-p', main, '-m', name],
      {
        cwd: repo,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'a',
          GIT_AUTHOR_EMAIL: 'a@b',
          GIT_COMMITTER_NAME: 'a',
          GIT_COMMITTER_EMAIL: 'a@b',
          GIT_COMMITTER_DATE: `${Math.floor((Date.now() - ago) / 1000)} +0000`,
        },
      },
    ).trim();
    const ref = `refs/dataset-migrations/commits/${name}`;
    git(repo, 'update-ref', ref, sha);
    return ref;
  }
  const ourRefs = () =>
    git(repo, 'for-each-ref', '--format=%(refname)', 'refs/dataset-migrations')
      .split('\n')
      .filter(Boolean)
      .sort();
  const longAgo = LEFT_COMMIT_REF_AFTER_MS + 60_000;

  it('removes a written commit’s ref left behind long ago, and keeps one being written now', async () => {
    const local = locate(repo)!;
    const main = git(repo, 'rev-parse', 'main');
    // A process that died between writing and moving left this one behind.
    const left = leftCommitRef('left-by-a-dead-process', longAgo);
    // Another process is between writing and moving this one.
    const inFlight = await writeCommit(
      local,
      main,
      [{ path: 'a.sql', content: 'select 1;\n' }],
      'in flight',
    );

    // A read that does not sweep leaves both.
    expect((await readBranches(local, ['main'])).get('main')?.sha).toBe(main);
    expect(ourRefs()).toEqual([left, inFlight.ref].sort());
    // Opening a pull request sweeps: the old one goes, the one in flight stays.
    await provider.openPullRequest(draft());
    expect(ourRefs()).toEqual([inFlight.ref]);
    expect(git(repo, 'rev-parse', BRANCH)).toMatch(/^[0-9a-f]{40}$/);
  });

  it('opens the pull request whatever the sweep meets: a ref locked by a killed git, a ref at a missing object', async () => {
    const stuck = leftCommitRef('stuck', longAgo);
    leftCommitRef('free', longAgo);
    // A git killed while it updated the ref leaves its lock.
    writeFileSync(join(repo, '.git', `${stuck}.lock`), '');
    await provider.openPullRequest(draft());
    expect(ourRefs()).toEqual([stuck]);
    expect(git(repo, 'rev-parse', BRANCH)).toMatch(/^[0-9a-f]{40}$/);

    // A ref of ours at an object that is gone makes the listing fail: read again without it.
    writeFileSync(
      join(repo, '.git', 'refs/dataset-migrations/commits/broken'),
      `${'0123456789abcdef'.repeat(2)}01234567\n`,
    );
    await expect(
      provider.openPullRequest(
        draft({ branch: `${BRANCH}-2`, files: draft().files }),
      ),
    ).resolves.toMatchObject({ number: 2 });
  });

  it('writes each file’s exact bytes, at paths with spaces, quotes and accents, in new folders', async () => {
    const files = [
      // CRLF and no final newline, curly quotes (UTF-8), an empty file.
      { path: 'queries/events.sql', content: 'select 1;\r\nselect ’2’' },
      { path: 'new dir/"quoted" café.sql', content: 'select "x"\n\n' },
      { path: 'models/staging/stg events.sql', content: '' },
    ];
    await provider.openPullRequest(draft({ files }));

    for (const file of files)
      expect(
        execFileSync('git', ['cat-file', 'blob', `${BRANCH}:${file.path}`], {
          cwd: repo,
        }),
      ).toEqual(Buffer.from(file.content));
    expect(
      git(repo, 'ls-tree', '-r', BRANCH)
        .split('\n')
        .map(entry => entry.replace(/ blob [0-9a-f]+\t/, ' ')),
    ).toEqual([
      '100644 README.md',
      '100644 models/staging/stg events.sql',
      '100644 "new dir/\\"quoted\\" caf\\303\\251.sql"',
      '100644 queries/events.sql',
      '100644 queries/users.sql',
    ]);
  });

  it('numbers pull requests per repository, also when opened concurrently', async () => {
    await provider.openPullRequest(draft());
    const refs = await Promise.all(
      [2, 3, 4, 5, 6].map(i =>
        provider.openPullRequest(
          draft({
            branch: `dataset-migrations/consumer-${i}`,
            files: [{ path: `queries/q${i}.sql`, content: `select ${i};\n` }],
          }),
        ),
      ),
    );

    expect(refs.map(r => r.number).sort()).toEqual([2, 3, 4, 5, 6]);
    expect(records(join(repo, '.git'))).toHaveLength(6);
    expect(
      await provider.getPullRequest(repo, 'dataset-migrations/consumer-4'),
    ).toMatchObject({ branch: 'dataset-migrations/consumer-4' });
  });

  it('reports open, then merged once the branch is merged into the base', async () => {
    expect(await provider.getPullRequest(repo, BRANCH)).toBeUndefined();
    await provider.openPullRequest(draft());
    expect(await provider.getPullRequest(repo, BRANCH)).toMatchObject({
      number: 1,
      state: 'open',
    });

    git(repo, 'merge', '-q', '--no-edit', '--no-ff', BRANCH);

    expect(
      await provider.getPullRequest(pathToFileURL(repo).href, BRANCH),
    ).toEqual({
      provider: 'local-git',
      url: `${pathToFileURL(repo).href}#pull/1`,
      number: 1,
      branch: BRANCH,
      state: 'merged',
    });

    // Deleting a merged branch is common; the pull request stays merged.
    git(repo, 'branch', '-q', '-D', BRANCH);
    expect(await provider.getPullRequest(repo, BRANCH)).toMatchObject({
      state: 'merged',
    });
  });

  it('reports closed when the record says so', async () => {
    await provider.openPullRequest(draft());
    const file = join(repo, '.git', 'dataset-migrations', 'pulls.json');
    const data = JSON.parse(readFileSync(file, 'utf8'));
    data.pulls[0].state = 'closed';
    writeFileSync(file, JSON.stringify(data));

    expect(await provider.getPullRequest(repo, BRANCH)).toMatchObject({
      state: 'closed',
    });
  });

  it('closes an open pull request with a comment, and leaves a merged one merged', async () => {
    const opened = await provider.openPullRequest(draft());
    const at = { ...opened, repositoryUrl: pathToFileURL(repo).href };

    const closed = await provider.closePullRequest(at, 'Rolled back.');

    expect(closed).toEqual({ ...opened, state: 'closed' });
    expect(await provider.getPullRequest(repo, BRANCH)).toMatchObject({
      state: 'closed',
    });
    const [record] = records(join(repo, '.git'));
    expect(record).toMatchObject({
      state: 'closed',
      comments: [{ body: 'Rolled back.' }],
    });
    // Closing again changes nothing and adds no second comment.
    await provider.closePullRequest(at, 'Rolled back.');
    expect(records(join(repo, '.git'))[0].comments).toHaveLength(1);

    const other = await provider.openPullRequest(
      draft({ branch: `${BRANCH}-b` }),
    );
    git(repo, 'merge', '-q', '--no-edit', '--no-ff', `${BRANCH}-b`);
    await expect(
      provider.closePullRequest(
        { ...other, repositoryUrl: repo },
        'Rolled back.',
      ),
    ).resolves.toMatchObject({ state: 'merged' });
    expect(records(join(repo, '.git'))[1]).toMatchObject({ state: 'open' });
    expect(records(join(repo, '.git'))[1].comments).toBeUndefined();

    await expect(
      provider.closePullRequest(
        { ...opened, number: 9, repositoryUrl: repo },
        'x',
      ),
    ).rejects.toThrow(`pull request #9 is not recorded`);
  });

  it('works on a bare repository', async () => {
    const bare = join(root, 'bare.git');
    git(root, 'clone', '-q', '--bare', repo, bare);

    const ref = await provider.openPullRequest(draft({ repositoryUrl: bare }));

    expect(ref.url).toBe(`${pathToFileURL(bare).href}#pull/1`);
    expect(git(bare, 'show', `${BRANCH}:queries/events.sql`)).toBe(
      'select * from listening_events_v2;',
    );
    expect(records(bare)).toHaveLength(1);
  });

  it('names a path that does not exist or is not a git repository', async () => {
    const missing = join(root, 'missing');
    await expect(
      provider.openPullRequest(draft({ repositoryUrl: missing })),
    ).rejects.toThrow(`local git repository ${missing} does not exist`);

    const plain = join(root, 'plain');
    mkdirSync(plain);
    await expect(provider.getPullRequest(plain, BRANCH)).rejects.toThrow(
      `${plain} is not a git repository`,
    );
  });

  it('names a missing base branch', async () => {
    await expect(
      provider.openPullRequest(draft({ baseBranch: 'develop' })),
    ).rejects.toThrow(`base branch "develop" does not exist`);
  });

  it('refuses to move the checked-out branch or to take unsafe names', async () => {
    git(repo, 'checkout', '-q', '-b', 'work');
    await expect(
      provider.openPullRequest(draft({ branch: 'work' })),
    ).rejects.toThrow('branch "work" is checked out');
    await expect(
      provider.openPullRequest(draft({ branch: '--upload-pack=touch /tmp/x' })),
    ).rejects.toThrow('is not an acceptable branch name');
    await expect(
      provider.openPullRequest(
        draft({ files: [{ path: '.git/config', content: '' }] }),
      ),
    ).rejects.toThrow('file path ".git/config"');
  });

  describe('a base or branch that moved', () => {
    const commitOn = (
      branch: string,
      path: string,
      content: string,
      message: string,
    ) => {
      git(repo, 'checkout', '-q', branch);
      writeFileSync(join(repo, path), content);
      git(repo, 'commit', '-q', '-am', message);
      git(repo, 'checkout', '-q', 'main');
      return git(repo, 'rev-parse', branch);
    };

    it('starts the branch at the commit the patch was made from, so others’ later changes are never undone', async () => {
      const patchedFrom = git(repo, 'rev-parse', 'main');
      commitOn('main', 'README.md', 'newer\n', 'later work');

      await provider.openPullRequest(draft({ baseCommit: patchedFrom }));

      expect(git(repo, 'rev-parse', `${BRANCH}^`)).toBe(patchedFrom);
      expect(git(repo, 'show', `${BRANCH}:README.md`)).toBe('orders service');
      // Merging keeps main's newer README: the branch never touched it.
      git(repo, 'merge', '-q', '--no-edit', BRANCH);
      expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('newer\n');
    });

    it('refuses a commit the repository does not have', async () => {
      await expect(
        provider.openPullRequest(draft({ baseCommit: 'f'.repeat(40) })),
      ).rejects.toThrow(
        /commit f{40}, which the patch was made from, is not in local git repository/,
      );
      expect(git(repo, 'branch', '--list', BRANCH)).toBe('');
    });

    it('never overwrites a branch holding someone else’s commit', async () => {
      await provider.openPullRequest(draft());
      const fix = commitOn(
        BRANCH,
        'queries/events.sql',
        'select 3;\n',
        'reviewer fix',
      );

      await expect(
        provider.openPullRequest(
          draft({
            files: [{ path: 'queries/events.sql', content: 'select 4;\n' }],
          }),
        ),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(
          /has commits this plugin did not make .*left as it is/,
        ),
      });
      expect(git(repo, 'rev-parse', BRANCH)).toBe(fix);
    });

    it('does not re-open a pull request its owner closed', async () => {
      const opened = await provider.openPullRequest(draft());
      await provider.closePullRequest(
        { ...opened, repositoryUrl: pathToFileURL(repo).href },
        'Not now.',
      );
      const tip = git(repo, 'rev-parse', BRANCH);

      await expect(
        provider.openPullRequest(draft({ title: 'again' })),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(
          'was closed without merging; it is not re-opened',
        ),
      });
      expect(records(join(repo, '.git'))).toMatchObject([
        { state: 'closed', title: 'Migrate to listening-events v2' },
      ]);
      expect(git(repo, 'rev-parse', BRANCH)).toBe(tip);
    });
  });
});
