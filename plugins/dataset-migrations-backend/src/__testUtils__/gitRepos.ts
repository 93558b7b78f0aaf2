import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@localhost',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@localhost',
};

/** Runs git in a test repository. */
export function gitIn(repo: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo,
    env: { ...process.env, ...IDENTITY },
    encoding: 'utf8',
  });
}

/** A real repository on `main` with one commit holding `files`. */
export function createRepository(
  repo: string,
  files: Record<string, string>,
): string {
  mkdirSync(repo, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
  gitIn(repo, 'init', '-q', '-b', 'main');
  gitIn(repo, 'add', '-A');
  gitIn(repo, 'commit', '-q', '-m', 'initial');
  return repo;
}

/**
 * A consumer entity's annotations for a local repository: where its code is, and
 * the catalog file inside it that the catalog records it was registered from (so
 * its pull requests may go there).
 */
export function registeredIn(repo: string): Record<string, string> {
  return {
    'backstage.io/source-location': `url:file://${repo}/`,
    'backstage.io/managed-by-location': `file:${repo}/catalog-info.yaml`,
  };
}
