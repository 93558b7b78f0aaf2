import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathInWorkingCopy } from './workingCopy';

describe('pathInWorkingCopy', () => {
  let root: string;
  let dir: string;
  let outside: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'working-copy-test-'));
    dir = join(root, 'repo');
    outside = join(root, 'backend');
    await mkdir(join(dir, 'models'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, 'app-config.yaml'), 'secret: 1\n');
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  it('gives files of the clone, new ones in new directories included', async () => {
    await expect(pathInWorkingCopy(dir, 'models/a.sql')).resolves.toBe(
      join(dir, 'models/a.sql'),
    );
    await expect(pathInWorkingCopy(dir, 'new/deep/b.sql')).resolves.toBe(
      join(dir, 'new/deep/b.sql'),
    );
  });

  it('refuses paths the repository’s own links would take outside the clone', async () => {
    // A repository may hold links: a directory pointing out, a file pointing out.
    await symlink(outside, join(dir, 'linked'));
    await symlink(join(outside, 'app-config.yaml'), join(dir, 'models/x.sql'));
    for (const [path, why] of [
      [
        'linked/app-config.yaml',
        /a symbolic link in its directories leads out/,
      ],
      ['linked/sub/new.sql', /a symbolic link in its directories leads out/],
      ['models/x.sql', /it is a link or a directory/],
      ['../backend/app-config.yaml', /it lies outside it/],
      ['models', /it is a link or a directory/],
    ] as const)
      await expect(pathInWorkingCopy(dir, path)).rejects.toThrow(why);
  });
});
