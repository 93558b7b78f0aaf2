import {
  ANNOTATION_LOCATION,
  parseLocationRef,
  type Entity,
} from '@backstage/catalog-model';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stripUrlPrefix } from './RepositoryReader';

/**
 * Which repositories a consumer's pull request may go to:
 * - `registered`: only the repository the consumer's entity was registered from.
 *   Anyone who may register an entity may write any `source-location`, but only
 *   the catalog writes `backstage.io/managed-by-location` (over whatever the
 *   entity's file says), so a catalog file inside the repository is the
 *   repository's own say-so.
 * - `any`: whatever repository the source location names, for catalogs where only
 *   a repository's owners can register entities that name it.
 */
export type PullRequestRepositories = 'registered' | 'any';

const ONLY_REGISTERED =
  "a pull request goes only to the repository an entity's catalog file is in, registered from its default branch (register it from there, or see consumers.pullRequestRepositories)";

/**
 * Why a pull request may not go to `repositoryUrl` for this entity, or undefined
 * when it may: the entity's catalog file is in that repository and, when
 * `defaultBranch` is given, on that branch (anyone who may push a branch, or
 * offer a fork's commit under the repository's URL, could register one).
 */
export function unregisteredRepository(
  entity: Entity | undefined,
  entityRef: string,
  repositoryUrl: string,
  defaultBranch?: string,
): string | undefined {
  if (!entity)
    return `${entityRef} is no longer in the catalog, so nothing says ${repositoryUrl} is its repository`;
  const location = entity.metadata.annotations?.[ANNOTATION_LOCATION];
  const registeredFrom = location ? locationTarget(location) : undefined;
  const repository = repositoryRoot(stripUrlPrefix(repositoryUrl));
  const at = registeredFrom ? repositoryRoot(registeredFrom) : undefined;
  if (!repository || !at || !sameRepository(at, repository))
    return `${entityRef} names ${repositoryUrl} as its source but was registered from ${
      location ?? 'no catalog location'
    }, outside that repository; ${ONLY_REGISTERED}`;
  if (
    defaultBranch !== undefined &&
    at.kind === 'url' &&
    at.ref !== defaultBranch
  )
    return `${entityRef} was registered from ${location}, ${
      at.ref === undefined ? 'on a branch that cannot be told' : `on ${at.ref}`
    }, not from ${repositoryUrl}'s default branch ${defaultBranch}; ${ONLY_REGISTERED}`;
  return undefined;
}

// Hosts put a marker between a repository and a path in it: /tree/ and /blob/
// (GitHub), /-/ (GitLab), /src/ (Bitbucket Cloud), /browse (Bitbucket Server).
const REPOSITORY_PATH_MARKERS = new Set([
  'tree',
  'blob',
  '-',
  'src',
  'browse',
  'raw',
  'edit',
]);

/**
 * The repository a URL is in: a directory for `file:`, else host and repository
 * path, with the branch a path in it names (`/blob/<ref>/…`), if any.
 */
type Root =
  | { kind: 'file'; dir: string }
  | { kind: 'url'; root: string; ref?: string };

function repositoryRoot(url: string): Root | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
    if (parsed.protocol === 'file:')
      return { kind: 'file', dir: path.resolve(fileURLToPath(parsed)) };
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return undefined;
  // The first two segments are always the repository's (owner and name, or group).
  const segments = parsed.pathname.split('/').filter(Boolean);
  const marker = segments.findIndex(
    (segment, i) => i >= 2 && REPOSITORY_PATH_MARKERS.has(segment),
  );
  const repository = (marker < 0 ? segments : segments.slice(0, marker))
    .join('/')
    .replace(/\.git$/, '');
  if (repository.split('/').length < 2) return undefined;
  // GitHub's /blob/<ref>/, GitLab's /-/blob/<ref>/.
  const after = marker < 0 ? [] : segments.slice(marker);
  const refAt = after[0] === '-' ? 2 : 1;
  const ref = ['blob', 'tree'].includes(after[refAt - 1] ?? '')
    ? after[refAt]
    : undefined;
  // Hosts compare owner and repository names without case.
  return {
    kind: 'url',
    root: `${parsed.protocol}//${parsed.host}/${repository}`.toLowerCase(),
    ...(ref !== undefined ? { ref } : {}),
  };
}

/** Where a `managed-by-location` points, as a URL (`file:` for file locations). */
function locationTarget(location: string): string | undefined {
  try {
    const { type, target } = parseLocationRef(location);
    if (type === 'url') return target;
    if (type === 'file' && path.isAbsolute(target))
      return pathToFileURL(path.resolve(target)).href;
  } catch {
    // Not a location reference: nothing is registered from a repository.
  }
  return undefined;
}

function sameRepository(at: Root, repository: Root): boolean {
  if (at.kind === 'url' && repository.kind === 'url')
    return at.root === repository.root;
  if (at.kind === 'file' && repository.kind === 'file') {
    // As git sees them: through symbolic links, and not in a repository of its
    // own inside this one (a submodule or a nested clone is another's say-so).
    const file = realPath(at.dir);
    const root = realPath(repository.dir);
    return (
      file.startsWith(path.join(root, path.sep)) &&
      !inNestedRepository(file, root)
    );
  }
  return false;
}

/** Whether a directory between `file` and `root` is a git repository's top (`.git`, a file in a submodule). */
function inNestedRepository(file: string, root: string): boolean {
  for (let dir = path.dirname(file); dir !== root; dir = path.dirname(dir)) {
    if (dir === path.dirname(dir)) return true;
    if (fs.existsSync(path.join(dir, '.git'))) return true;
  }
  return false;
}

/** The path with symbolic links resolved, as far as it exists. */
function realPath(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(realPath(parent), path.basename(p));
  }
}
