import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRepository } from '../../__testUtils__/gitRepos';
import { LocalGitScmProvider } from '../scm/LocalGitScmProvider';
import { LocalGitRepositoryReader } from './LocalGitRepositoryReader';
import { LocalRepositoryRoots } from './LocalRepositoryRoots';

describe('local git repositories only under configured roots', () => {
  let work: string;
  let allowed: string;
  let outside: string;
  let roots: LocalRepositoryRoots;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'dsm-local-roots-'));
    allowed = join(work, 'allowed');
    outside = createRepository(join(work, 'private', 'secrets'), {
      'models/revenue.sql': 'select amount from payments',
    });
    createRepository(join(allowed, 'reports'), {
      'models/plays.sql': 'select user_id from listening_events',
    });
    // A symbolic link inside the root that leads out of it.
    symlinkSync(outside, join(allowed, 'escape'));
    // A directory inside the root whose `.git` file names a git directory outside it.
    mkdirSync(join(allowed, 'pointer'));
    writeFileSync(
      join(allowed, 'pointer', '.git'),
      `gitdir: ${join(outside, '.git')}\n`,
    );
    roots = new LocalRepositoryRoots([allowed]);
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reads a repository under a root', async () => {
    const reader = new LocalGitRepositoryReader(roots);
    const snapshot = await reader.read(
      pathToFileURL(join(allowed, 'reports')).href,
    );
    expect(snapshot.files.map(f => f.path)).toEqual(['models/plays.sql']);
  });

  it.each([
    ['a path outside every root', () => outside],
    ['a way out through ..', () => join(allowed, '..', 'private', 'secrets')],
    ['a symbolic link leading out', () => join(allowed, 'escape')],
    [
      'a .git file naming a git directory outside',
      () => join(allowed, 'pointer'),
    ],
  ])(
    'refuses %s, naming the setting, for reading and for pull requests',
    async (_case, target) => {
      const url = pathToFileURL(target()).href;
      const reader = new LocalGitRepositoryReader(roots);
      await expect(reader.read(url)).rejects.toThrow(
        /outside datasetMigrations\.consumers\.localGit\.roots/,
      );
      const scm = new LocalGitScmProvider(roots);
      await expect(
        scm.openPullRequest({
          repositoryUrl: url,
          baseBranch: 'main',
          branch: 'dataset-migrations/x',
          title: 't',
          body: 'b',
          commitMessage: 'm',
          files: [{ path: 'models/revenue.sql', content: 'select 1' }],
        }),
      ).rejects.toThrow(
        /outside datasetMigrations\.consumers\.localGit\.roots/,
      );
    },
  );

  it('reads no local repository at all when no roots are configured', async () => {
    const reader = new LocalGitRepositoryReader(new LocalRepositoryRoots([]));
    await expect(
      reader.read(pathToFileURL(join(allowed, 'reports')).href),
    ).rejects.toThrow(
      /no datasetMigrations\.consumers\.localGit\.roots are configured/,
    );
  });
});
