import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { RepositoryReader } from './repositories/RepositoryReader';

/** A fresh clone with the patched files written over it, removed afterwards. */
export async function inWorkingCopy<T>(
  reader: RepositoryReader,
  url: string,
  files: ChangedFile[],
  work: (dir: string) => Promise<T>,
): Promise<T> {
  const parent = await mkdtemp(join(tmpdir(), 'dsm-consumer-'));
  await chmod(parent, 0o755); // the sandbox user must reach the working copy
  const dir = join(parent, 'repo');
  try {
    await reader.checkout(url, dir);
    for (const file of files) {
      await mkdir(dirname(join(dir, file.path)), { recursive: true });
      await writeFile(join(dir, file.path), file.content);
    }
    return await work(dir);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}
