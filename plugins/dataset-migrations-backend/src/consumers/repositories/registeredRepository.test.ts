import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Entity } from '@backstage/catalog-model';
import { unregisteredRepository } from './registeredRepository';

const REF = 'component:default/reader';

function registeredFrom(location?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'reader',
      annotations: location
        ? { 'backstage.io/managed-by-location': location }
        : {},
    },
  };
}

const allowed = (location: string | undefined, repositoryUrl: string) =>
  unregisteredRepository(registeredFrom(location), REF, repositoryUrl) ===
  undefined;

describe('unregisteredRepository', () => {
  it.each([
    [
      'GitHub, the catalog file in the repository',
      'url:https://github.com/acme/reader/blob/main/catalog-info.yaml',
      'https://github.com/acme/reader/tree/main/',
    ],
    [
      'GitHub, a catalog file in a subdirectory, names in another case',
      'url:https://github.com/Acme/Reader/blob/main/pipelines/catalog-info.yaml',
      'https://github.com/acme/reader',
    ],
    [
      'GitHub, a .git clone URL',
      'url:https://github.com/acme/reader/blob/main/catalog-info.yaml',
      'https://github.com/acme/reader.git',
    ],
    [
      'GitLab, a nested group',
      'url:https://gitlab.example.com/data/team/reader/-/blob/main/catalog-info.yaml',
      'https://gitlab.example.com/data/team/reader/-/tree/main/',
    ],
    [
      'Bitbucket Server',
      'url:https://bitbucket.example.com/projects/DATA/repos/reader/browse/catalog-info.yaml',
      'https://bitbucket.example.com/projects/DATA/repos/reader/browse/',
    ],
    [
      'a local repository, the catalog file inside it',
      'file:/srv/repos/reader/catalog-info.yaml',
      'file:///srv/repos/reader/',
    ],
    [
      'a local repository with a space in its path',
      'file:/srv/my repos/reader/catalog-info.yaml',
      'file:///srv/my%20repos/reader/',
    ],
  ])('allows %s', (_case, location, repositoryUrl) => {
    expect(allowed(location, repositoryUrl)).toBe(true);
  });

  it.each([
    [
      "another team's repository on the same host",
      'url:https://github.com/attacker/catalog/blob/main/catalog-info.yaml',
      'https://github.com/acme/reader/tree/main/',
    ],
    [
      'a repository of the same owner',
      'url:https://github.com/acme/catalog/blob/main/reader.yaml',
      'https://github.com/acme/reader/tree/main/',
    ],
    [
      'a repository named like a path marker',
      'url:https://github.com/acme/tree/blob/main/catalog-info.yaml',
      'https://github.com/acme/blob/tree/main/',
    ],
    [
      'a repository whose name starts like the other',
      'url:https://github.com/acme/reader-fork/blob/main/catalog-info.yaml',
      'https://github.com/acme/reader/tree/main/',
    ],
    [
      'the same path on another host',
      'url:https://github.example.com/acme/reader/blob/main/catalog-info.yaml',
      'https://github.com/acme/reader/tree/main/',
    ],
    [
      'only an owner, no repository',
      'url:https://github.com/acme/reader/blob/main/catalog-info.yaml',
      'https://github.com/acme',
    ],
    [
      'a local file beside the repository, not in it',
      'file:/srv/repos/reader-catalog.yaml',
      'file:///srv/repos/reader/',
    ],
    [
      'a local directory whose name starts like the repository',
      'file:/srv/repos/reader2/catalog-info.yaml',
      'file:///srv/repos/reader/',
    ],
    [
      'a local file climbing out of the repository',
      'file:/srv/repos/reader/../other/catalog-info.yaml',
      'file:///srv/repos/reader/',
    ],
    [
      'a file location for a URL repository',
      'file:/srv/repos/reader/catalog-info.yaml',
      'https://github.com/acme/reader',
    ],
    [
      'an entity no location registered (a provider that sets none)',
      undefined,
      'https://github.com/acme/reader',
    ],
    [
      'a location that is no location reference',
      'https://github.com/acme/reader/blob/main/catalog-info.yaml',
      'https://github.com/acme/reader',
    ],
  ])('refuses %s', (_case, location, repositoryUrl) => {
    expect(allowed(location, repositoryUrl)).toBe(false);
  });

  it.each([
    ['the default branch', 'main', true],
    ['another branch anyone who may push one could register', 'feature', false],
    [
      "a commit, which GitHub also serves for a fork's commits",
      '0123456789abcdef0123456789abcdef01234567',
      false,
    ],
  ])(
    'with the default branch known, allows a catalog file on %s only if it is that branch',
    (_case, ref, expected) => {
      const entity = registeredFrom(
        `url:https://github.com/acme/reader/blob/${ref}/catalog-info.yaml`,
      );
      expect(
        unregisteredRepository(
          entity,
          REF,
          'https://github.com/acme/reader/tree/main/',
          'main',
        ) === undefined,
      ).toBe(expected);
    },
  );

  it('with the default branch known, refuses a URL whose branch cannot be told, and names the branch it was on', () => {
    expect(
      unregisteredRepository(
        registeredFrom(
          'url:https://bitbucket.example.com/projects/DATA/repos/reader/browse/catalog-info.yaml',
        ),
        REF,
        'https://bitbucket.example.com/projects/DATA/repos/reader/browse/',
        'main',
      ),
    ).toMatch(
      /on a branch that cannot be told, not from .* default branch main/,
    );
    expect(
      unregisteredRepository(
        registeredFrom(
          'url:https://gitlab.example.com/data/reader/-/blob/dev/catalog-info.yaml',
        ),
        REF,
        'https://gitlab.example.com/data/reader',
        'main',
      ),
    ).toMatch(
      /registered from url:https:\/\/gitlab\.example\.com\/data\/reader\/-\/blob\/dev\/catalog-info\.yaml, on dev, not from https:\/\/gitlab\.example\.com\/data\/reader's default branch main/,
    );
    // A local repository is registered from its work tree: no branch is named.
    expect(
      unregisteredRepository(
        registeredFrom('file:/srv/repos/reader/catalog-info.yaml'),
        REF,
        'file:///srv/repos/reader/',
        'main',
      ),
    ).toBeUndefined();
  });

  it('refuses a local catalog file in a repository of its own inside the named one, or reached through a link out of it', () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'registered-'));
    try {
      const reader = path.join(top, 'reader');
      const dirs = ['pipelines', 'vendored', 'cloned', 'outside'];
      for (const dir of dirs)
        fs.mkdirSync(path.join(reader, dir), { recursive: true });
      fs.mkdirSync(path.join(reader, '.git'));
      // A submodule's top holds a .git file; a nested clone, a directory.
      fs.writeFileSync(
        path.join(reader, 'vendored', '.git'),
        'gitdir: ../.git/modules/vendored\n',
      );
      fs.mkdirSync(path.join(reader, 'cloned', '.git'));
      fs.mkdirSync(path.join(top, 'other'));
      fs.symlinkSync(path.join(top, 'other'), path.join(reader, 'linked'));
      const url = pathToFileURL(reader).href;
      const from = (...p: string[]) =>
        `file:${path.join(reader, ...p, 'catalog-info.yaml')}`;
      expect(allowed(from(), url)).toBe(true);
      expect(allowed(from('pipelines'), url)).toBe(true);
      expect(allowed(from('vendored'), url)).toBe(false);
      expect(allowed(from('vendored', 'deeper'), url)).toBe(false);
      expect(allowed(from('cloned'), url)).toBe(false);
      expect(allowed(from('linked'), url)).toBe(false);
      // The repository reached through a link is the same repository.
      fs.symlinkSync(reader, path.join(top, 'alias'));
      expect(
        allowed(from('pipelines'), pathToFileURL(path.join(top, 'alias')).href),
      ).toBe(true);
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });

  it('refuses, without throwing, a file URL with a host', () => {
    expect(
      unregisteredRepository(
        registeredFrom('file:/srv/repos/reader/catalog-info.yaml'),
        REF,
        'file://elsewhere/srv/repos/reader/',
      ),
    ).toMatch(/outside that repository/);
  });

  it('names the entity, its source, where it was registered from and the setting', () => {
    expect(
      unregisteredRepository(
        registeredFrom('url:https://github.com/attacker/x/blob/main/c.yaml'),
        REF,
        'https://github.com/acme/reader',
      ),
    ).toBe(
      `${REF} names https://github.com/acme/reader as its source but was registered from url:https://github.com/attacker/x/blob/main/c.yaml, outside that repository; a pull request goes only to the repository an entity's catalog file is in, registered from its default branch (register it from there, or see consumers.pullRequestRepositories)`,
    );
    expect(unregisteredRepository(undefined, REF, 'https://x.test/a/b')).toBe(
      `${REF} is no longer in the catalog, so nothing says https://x.test/a/b is its repository`,
    );
  });
});
