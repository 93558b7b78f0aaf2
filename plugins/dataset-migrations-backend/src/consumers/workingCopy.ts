import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  realpath,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { RepositoryReader } from './repositories/RepositoryReader';

/**
 * A fresh clone, of the commit the patch was made from when there is one, with
 * the patched files written over it; removed afterwards.
 */
export async function inWorkingCopy<T>(
  reader: RepositoryReader,
  { url, commit }: { url: string; commit?: string },
  files: ChangedFile[],
  work: (dir: string) => Promise<T>,
): Promise<T> {
  const parent = await mkdtemp(join(tmpdir(), 'dsm-consumer-'));
  await chmod(parent, 0o755); // the sandbox user must reach the working copy
  const dir = join(parent, 'repo');
  try {
    await reader.checkout(url, dir, commit);
    for (const file of files) {
      const path = await pathInWorkingCopy(dir, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content);
    }
    return await work(dir);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

/**
 * `path` in the working copy `dir`, refused when the clone's own symbolic links
 * (the repository's content, the consumer owner's to choose) would take a read
 * or a write outside it: its nearest existing directory resolves inside the
 * clone, and the file itself, if there, is a plain file.
 */
export async function pathInWorkingCopy(
  dir: string,
  path: string,
): Promise<string> {
  const root = await realpath(dir);
  const full = resolve(root, path);
  const refuse = (why: string) =>
    new Error(`${path} is not a plain file of the working copy: ${why}`);
  if (!full.startsWith(root + sep)) throw refuse('it lies outside it');
  let existing = dirname(full);
  while (!(await lstat(existing).catch(() => undefined)))
    existing = dirname(existing);
  const real = await realpath(existing);
  if (real !== root && !real.startsWith(root + sep))
    throw refuse('a symbolic link in its directories leads out of it');
  const stat = await lstat(full).catch(() => undefined);
  if (stat && !stat.isFile()) throw refuse('it is a link or a directory');
  return full;
}
