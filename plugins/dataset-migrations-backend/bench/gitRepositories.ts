/**
 * Local git repositories for the benches, written without starting git: a bench
 * with 20,000 consumers spent most of its set-up in 60,000 `git init / add /
 * commit` processes. Each repository is an ordinary non-bare one (loose objects,
 * `main` checked out, an index matching the work tree), so the consumer agent's git
 * commands work on it as on one made by git; the commit is the one `git commit`
 * makes with the same author, committer and date.
 */
import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { mapConcurrently } from '../src/consumers/mapConcurrently';

const IDENTITY = 'Bench <bench@localhost> 1764547200 +0000';

/** A git object's id and its loose (deflated) form. */
function gitObject(type: string, body: Buffer) {
  const full = Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]);
  return {
    id: createHash('sha1').update(full).digest(),
    loose: deflateSync(full, { level: 1 }),
  };
}

type Tree = Map<string, Tree | Buffer>;

/** Writes a tree's objects into `objects`, returning its id. */
function buildTree(tree: Tree, objects: Map<string, Buffer>): Buffer {
  // Git orders entries by name, a directory's name as if it ended in '/'.
  const key = (name: string) =>
    tree.get(name) instanceof Map ? `${name}/` : name;
  const names = [...tree.keys()].sort((a, b) =>
    Buffer.compare(Buffer.from(key(a)), Buffer.from(key(b))),
  );
  const entries = names.map(name => {
    const entry = tree.get(name)!;
    const isDir = entry instanceof Map;
    const id = isDir ? buildTree(entry, objects) : blobId(entry, objects);
    return Buffer.concat([
      Buffer.from(`${isDir ? '40000' : '100644'} ${name}\0`),
      id,
    ]);
  });
  const object = gitObject('tree', Buffer.concat(entries));
  objects.set(object.id.toString('hex'), object.loose);
  return object.id;
}

function blobId(content: Buffer, objects: Map<string, Buffer>): Buffer {
  const object = gitObject('blob', content);
  objects.set(object.id.toString('hex'), object.loose);
  return object.id;
}

/** The index (version 2) for these files, with the work tree's stat data. */
async function indexOf(dir: string, files: [string, Buffer][]) {
  const sorted = [...files].sort((a, b) =>
    Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])),
  );
  const header = Buffer.alloc(12);
  header.write('DIRC', 0);
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(sorted.length, 8);
  const entries = await Promise.all(
    sorted.map(async ([name, content]) => {
      const s = await stat(path.join(dir, name), { bigint: true });
      const nameBytes = Buffer.from(name);
      const length = Math.ceil((62 + nameBytes.length + 1) / 8) * 8;
      const entry = Buffer.alloc(length);
      const u32 = (value: bigint, at: number) =>
        entry.writeUInt32BE(Number(value & 0xffffffffn), at);
      u32(s.ctimeNs / 1_000_000_000n, 0);
      u32(s.ctimeNs % 1_000_000_000n, 4);
      u32(s.mtimeNs / 1_000_000_000n, 8);
      u32(s.mtimeNs % 1_000_000_000n, 12);
      u32(s.dev, 16);
      u32(s.ino, 20);
      entry.writeUInt32BE(0o100644, 24);
      u32(s.uid, 28);
      u32(s.gid, 32);
      u32(s.size, 36);
      gitObject('blob', content).id.copy(entry, 40);
      entry.writeUInt16BE(Math.min(nameBytes.length, 0xfff), 60);
      nameBytes.copy(entry, 62);
      return entry;
    }),
  );
  const body = Buffer.concat([header, ...entries]);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

async function writeRepository(dir: string, files: Record<string, string>) {
  const contents = Object.entries(files).map(
    ([name, text]) => [name, Buffer.from(text)] as [string, Buffer],
  );
  const root: Tree = new Map();
  for (const [name, content] of contents) {
    const parts = name.split('/');
    let tree = root;
    for (const part of parts.slice(0, -1)) {
      if (!tree.has(part)) tree.set(part, new Map());
      tree = tree.get(part) as Tree;
    }
    tree.set(parts[parts.length - 1], content);
  }
  const objects = new Map<string, Buffer>();
  const treeId = buildTree(root, objects);
  const commit = gitObject(
    'commit',
    Buffer.from(
      `tree ${treeId.toString(
        'hex',
      )}\nauthor ${IDENTITY}\ncommitter ${IDENTITY}\n\npipeline\n`,
    ),
  );
  objects.set(commit.id.toString('hex'), commit.loose);

  const git = path.join(dir, '.git');
  for (const sub of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags'])
    await mkdir(path.join(git, sub), { recursive: true });
  for (const [name, content] of contents) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  const fanout = new Set([...objects.keys()].map(id => id.slice(0, 2)));
  for (const prefix of fanout)
    await mkdir(path.join(git, 'objects', prefix), { recursive: true });
  for (const [id, loose] of objects)
    await writeFile(
      path.join(git, 'objects', id.slice(0, 2), id.slice(2)),
      loose,
    );
  await writeFile(
    path.join(git, 'config'),
    '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n',
  );
  await writeFile(path.join(git, 'HEAD'), 'ref: refs/heads/main\n');
  await writeFile(
    path.join(git, 'refs/heads/main'),
    `${commit.id.toString('hex')}\n`,
  );
  await writeFile(path.join(git, 'index'), await indexOf(dir, contents));
}

/** Local git repositories, one commit on `main` each, holding the given files. */
export async function createGitRepositories(
  plans: { dir: string; files: Record<string, string> }[],
  concurrency = 16,
): Promise<void> {
  await mapConcurrently(plans, concurrency, ({ dir, files }) =>
    writeRepository(dir, files),
  );
}
