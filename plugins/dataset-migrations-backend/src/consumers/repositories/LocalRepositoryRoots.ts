import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { NotAllowedError } from '@backstage/errors';

/**
 * The directories under which local git repositories may be read and written.
 * A catalog annotation names the repository, so without this a catalog entity
 * could point the backend at any path on its machine. Paths are compared after
 * resolving symbolic links and `..`, for the repository and its git directory both.
 */
export class LocalRepositoryRoots {
  private readonly roots: string[];

  /** Relative roots are read from the backend's working directory, as catalog file locations are. */
  constructor(roots: readonly string[]) {
    this.roots = roots.map(root => realOrResolved(resolve(root)));
  }

  get enabled(): boolean {
    return this.roots.length > 0;
  }

  /** Throws, naming the setting, unless every path lies under a configured root. */
  assertInside(url: string, ...paths: string[]): void {
    if (!this.enabled) {
      throw new NotAllowedError(
        `local git repository ${url} is not read: no datasetMigrations.consumers.localGit.roots are configured`,
      );
    }
    for (const path of paths) {
      const real = realOrResolved(path);
      const inside = this.roots.some(root => {
        const rel = relative(root, real);
        return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
      });
      if (!inside) {
        throw new NotAllowedError(
          `local git repository ${url} is outside datasetMigrations.consumers.localGit.roots (${this.roots.join(
            ', ',
          )})`,
        );
      }
    }
  }
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
