import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';

/** About 16 MB of Latin-1 text, twice that at worst. */
const DEFAULT_MAX_CHARACTERS = 16 * 1024 * 1024;
/** What a file costs beside its characters, counted as characters. */
const FILE_OVERHEAD = 100;

/**
 * The scanned files of repositories at commits, kept across jobs. A consumer's
 * repository is read when it is assessed, before the data moves, and again
 * when its patch is verified and proposed; a commit's files never change, so
 * the second read costs only finding the branch's commit (one git process, or
 * one GitHub request, instead of three or a request per file). Bounded by the
 * characters held: the commit read longest ago goes first.
 */
export class CommitFilesCache {
  private readonly entries = new Map<
    string,
    { files: readonly ChangedFile[]; characters: number }
  >();
  /** Reads under way: consumers of one repository read its commit once, not side by side. */
  private readonly reading = new Map<string, Promise<ChangedFile[]>>();
  private characters = 0;

  constructor(private readonly maxCharacters = DEFAULT_MAX_CHARACTERS) {}

  /** The files of `repository` at `commit`, from `read` when not kept. */
  async filesAt(
    repository: string,
    commit: string,
    read: () => Promise<ChangedFile[]>,
  ): Promise<ChangedFile[]> {
    const key = `${repository}\0${commit}`;
    const kept = this.entries.get(key);
    if (kept) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, kept);
      return copies(kept.files);
    }
    const pending = this.reading.get(key);
    if (pending) return copies(await pending);
    const reading = read();
    this.reading.set(key, reading);
    let files: ChangedFile[];
    try {
      files = await reading;
    } finally {
      this.reading.delete(key);
    }
    // Each file also costs its object and its place in the list.
    const characters = files.reduce(
      (sum, f) => sum + f.path.length + f.content.length + FILE_OVERHEAD,
      0,
    );
    // A repository that would push out most others is read again instead.
    if (characters <= this.maxCharacters / 4) {
      this.entries.set(key, { files: copies(files), characters });
      this.characters += characters;
      for (const [oldest, entry] of this.entries) {
        if (this.characters <= this.maxCharacters) break;
        this.entries.delete(oldest);
        this.characters -= entry.characters;
      }
    }
    return files;
  }
}

/** Callers may change what they are given; what is kept stays as read. */
function copies(files: readonly ChangedFile[]): ChangedFile[] {
  return files.map(({ path, content }) => ({ path, content }));
}
