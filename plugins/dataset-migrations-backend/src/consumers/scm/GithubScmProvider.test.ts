import { createHash } from 'node:crypto';
import { ConfigReader } from '@backstage/config';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { PullRequestDraft } from '@dataset-migrations/plugin-dataset-migrations-node';
import { parseRepositoryUrl } from '../github';
import { GithubScmProvider } from './GithubScmProvider';

/**
 * An in-memory GitHub that follows the documented REST contract for the endpoints the
 * provider uses: refs, blobs, trees, commits and pulls of one repository.
 */
class FakeGithub {
  readonly blobs = new Map<string, string>();
  readonly trees = new Map<string, Map<string, string>>();
  readonly commits = new Map<
    string,
    { tree: string; parents: string[]; message: string }
  >();
  readonly refs = new Map<string, string>();
  readonly pulls: {
    number: number;
    title: string;
    body: string;
    head: string;
    base: string;
    state: 'open' | 'closed';
    merged_at: string | null;
    comments: string[];
  }[] = [];
  readonly authorizations: (string | null)[] = [];
  /** The pages of comments read, in order. */
  readonly commentPagesRead: number[] = [];

  constructor(
    readonly apiBaseUrl: string,
    readonly owner: string,
    readonly repo: string,
    readonly webBaseUrl = 'https://github.com',
  ) {
    const tree = this.putTree(new Map([['README.md', this.putBlob('hello')]]));
    this.refs.set('heads/main', this.putCommit(tree, [], 'initial'));
  }

  /** Files of a branch tip, path → content. */
  files(branch: string): Record<string, string> {
    const commit = this.commits.get(this.refs.get(`heads/${branch}`)!)!;
    const entries = [...this.trees.get(commit.tree)!];
    return Object.fromEntries(entries.map(([p, b]) => [p, this.blobs.get(b)!]));
  }

  /** A person's push: one commit on the branch's tip changing these files. */
  push(branch: string, files: Record<string, string>, message: string) {
    const tip = this.refs.get(`heads/${branch}`)!;
    const entries = new Map(this.trees.get(this.commits.get(tip)!.tree)!);
    for (const [path, content] of Object.entries(files))
      entries.set(path, this.putBlob(content));
    const sha = this.putCommit(this.putTree(entries), [tip], message);
    this.refs.set(`heads/${branch}`, sha);
    return sha;
  }

  commitOf(branch: string) {
    return this.commits.get(this.refs.get(`heads/${branch}`)!)!;
  }

  handlers() {
    const repo = `${this.apiBaseUrl}/repos/${this.owner}/${this.repo}`;
    const notFound = () =>
      HttpResponse.json({ message: 'Not Found' }, { status: 404 });
    return [
      http.all(`${this.apiBaseUrl}/*`, ({ request }) => {
        this.authorizations.push(request.headers.get('authorization'));
        // fall through to the specific handlers below
      }),
      http.get(repo, () => HttpResponse.json({ full_name: this.slug })),
      http.get(`${repo}/git/ref/heads/*`, ({ params }) => {
        const ref = `heads/${params[0]}`;
        const sha = this.refs.get(ref);
        if (!sha) return notFound();
        return HttpResponse.json({
          ref: `refs/${ref}`,
          object: { sha, type: 'commit' },
        });
      }),
      http.get(`${repo}/git/commits/:sha`, ({ params }) => {
        const commit = this.commits.get(params.sha as string);
        if (!commit) return notFound();
        return HttpResponse.json({
          sha: params.sha,
          message: commit.message,
          tree: { sha: commit.tree },
          parents: commit.parents.map(sha => ({ sha })),
        });
      }),
      http.post(`${repo}/git/blobs`, async ({ request }) => {
        const { content, encoding } = (await request.json()) as any;
        expectUtf8Blob(encoding);
        return HttpResponse.json(
          { sha: this.putBlob(content) },
          { status: 201 },
        );
      }),
      http.post(`${repo}/git/trees`, async ({ request }) => {
        const { base_tree, tree } = (await request.json()) as any;
        const entries = new Map(this.trees.get(base_tree) ?? []);
        for (const entry of tree) {
          expectRegularFile(entry);
          if (!this.blobs.has(entry.sha)) {
            return HttpResponse.json(
              { message: 'Invalid tree info' },
              { status: 422 },
            );
          }
          entries.set(entry.path, entry.sha);
        }
        return HttpResponse.json(
          { sha: this.putTree(entries) },
          { status: 201 },
        );
      }),
      http.post(`${repo}/git/commits`, async ({ request }) => {
        const { message, tree, parents } = (await request.json()) as any;
        return HttpResponse.json(
          { sha: this.putCommit(tree, parents, message) },
          { status: 201 },
        );
      }),
      http.post(`${repo}/git/refs`, async ({ request }) => {
        const { ref, sha } = (await request.json()) as any;
        const name = String(ref).replace(/^refs\//, '');
        if (this.refs.has(name)) {
          return HttpResponse.json(
            { message: 'Reference already exists' },
            { status: 422 },
          );
        }
        this.refs.set(name, sha);
        return HttpResponse.json(
          { ref, object: { sha, type: 'commit' } },
          { status: 201 },
        );
      }),
      http.patch(`${repo}/git/refs/heads/*`, async ({ request, params }) => {
        const { sha, force } = (await request.json()) as any;
        const name = `heads/${params[0]}`;
        const old = this.refs.get(name);
        if (!old) return notFound();
        if (!force && !this.isAncestor(old, sha)) {
          return HttpResponse.json(
            { message: 'Update is not a fast forward' },
            { status: 422 },
          );
        }
        this.refs.set(name, sha);
        return HttpResponse.json({
          ref: `refs/${name}`,
          object: { sha, type: 'commit' },
        });
      }),
      http.get(`${repo}/pulls`, ({ request }) => {
        const query = new URL(request.url).searchParams;
        const [owner, branch] = (query.get('head') ?? '').split(':');
        const state = query.get('state') ?? 'open';
        const found = this.pulls
          .filter(p => owner === this.owner && p.head === branch)
          .filter(p => state === 'all' || p.state === state)
          .reverse();
        return HttpResponse.json(found.map(p => this.toJson(p)));
      }),
      http.post(`${repo}/pulls`, async ({ request }) => {
        const { title, head, base, body } = (await request.json()) as any;
        if (!this.refs.has(`heads/${head}`)) {
          return HttpResponse.json(
            { message: 'Validation Failed', errors: [{ field: 'head' }] },
            { status: 422 },
          );
        }
        if (this.pulls.some(p => p.head === head && p.state === 'open')) {
          return HttpResponse.json(
            {
              message: 'Validation Failed',
              errors: [
                {
                  message: `A pull request already exists for ${this.owner}:${head}.`,
                },
              ],
            },
            { status: 422 },
          );
        }
        const pull = {
          number: this.pulls.length + 1,
          title,
          body,
          head,
          base,
          state: 'open' as const,
          merged_at: null,
          comments: [],
        };
        this.pulls.push(pull);
        return HttpResponse.json(this.toJson(pull), { status: 201 });
      }),
      http.get(`${repo}/pulls/:number`, ({ params }) => {
        const pull = this.pulls.find(p => p.number === Number(params.number));
        return pull ? HttpResponse.json(this.toJson(pull)) : notFound();
      }),
      http.patch(`${repo}/pulls/:number`, async ({ request, params }) => {
        const pull = this.pulls.find(p => p.number === Number(params.number));
        if (!pull) return notFound();
        const { title, body, state } = (await request.json()) as any;
        // Only the fields sent change, as GitHub's "Update a pull request" does.
        if (title !== undefined) pull.title = title;
        if (body !== undefined) pull.body = body;
        if (state === 'open' || state === 'closed') pull.state = state;
        return HttpResponse.json(this.toJson(pull));
      }),
      // Pull request conversation comments are issue comments, listed oldest
      // first, `per_page` (default 30, at most 100) a page from `page` 1.
      http.get(`${repo}/issues/:number/comments`, ({ request, params }) => {
        const pull = this.pulls.find(p => p.number === Number(params.number));
        if (!pull) return notFound();
        const query = new URL(request.url).searchParams;
        const perPage = Math.min(Number(query.get('per_page') ?? 30), 100);
        const page = Number(query.get('page') ?? 1);
        this.commentPagesRead.push(page);
        return HttpResponse.json(
          pull.comments
            .map((body, i) => ({ id: i + 1, body }))
            .slice((page - 1) * perPage, page * perPage),
        );
      }),
      http.post(
        `${repo}/issues/:number/comments`,
        async ({ request, params }) => {
          const pull = this.pulls.find(p => p.number === Number(params.number));
          if (!pull) return notFound();
          const { body } = (await request.json()) as any;
          if (typeof body !== 'string' || body === '') {
            return HttpResponse.json(
              { message: 'Validation Failed' },
              { status: 422 },
            );
          }
          pull.comments.push(body);
          return HttpResponse.json(
            { id: pull.comments.length, body },
            { status: 201 },
          );
        },
      ),
    ];
  }

  private get slug() {
    return `${this.owner}/${this.repo}`;
  }

  private toJson(pull: FakeGithub['pulls'][number]) {
    return {
      number: pull.number,
      html_url: `${this.webBaseUrl}/${this.slug}/pull/${pull.number}`,
      state: pull.state,
      merged_at: pull.merged_at,
      // "Get a pull request" counts its conversation's comments.
      comments: pull.comments.length,
      title: pull.title,
      body: pull.body,
      head: { ref: pull.head, label: `${this.owner}:${pull.head}` },
      base: { ref: pull.base },
    };
  }

  private isAncestor(ancestor: string, sha: string): boolean {
    if (ancestor === sha) return true;
    return (this.commits.get(sha)?.parents ?? []).some(p =>
      this.isAncestor(ancestor, p),
    );
  }

  private putBlob(content: string) {
    const sha = hash(`blob ${content}`);
    this.blobs.set(sha, content);
    return sha;
  }

  private putTree(entries: Map<string, string>) {
    const sha = hash(`tree ${JSON.stringify([...entries].sort())}`);
    this.trees.set(sha, entries);
    return sha;
  }

  private putCommit(tree: string, parents: string[], message: string) {
    // Real commits carry a timestamp, so equal content still gives a new sha.
    const sha = hash(`commit ${tree} ${parents} ${message} ${Math.random()}`);
    this.commits.set(sha, { tree, parents, message });
    return sha;
  }
}

/** The provider writes file content as UTF-8 text (GitHub also takes base64). */
function expectUtf8Blob(encoding: string) {
  expect(encoding).toBe('utf-8');
}

/** The provider's trees hold regular, non-executable files only. */
function expectRegularFile(entry: unknown) {
  expect(entry).toMatchObject({ mode: '100644', type: 'blob' });
}

function hash(text: string) {
  return createHash('sha1').update(text).digest('hex');
}

const server = setupServer();
registerMswTestHooks(server);

function draft(overrides: Partial<PullRequestDraft> = {}): PullRequestDraft {
  return {
    repositoryUrl: 'https://github.com/acme/orders',
    baseBranch: 'main',
    branch: 'dataset-migrations/listening-events-v2',
    title: 'Migrate to listening-events v2',
    body: '## Mapping\n\n| old | new |',
    commitMessage: 'Migrate to listening-events v2',
    files: [{ path: 'queries/events.sql', content: 'select 1;\n' }],
    ...overrides,
  };
}

const config = new ConfigReader({
  integrations: { github: [{ host: 'github.com', token: 't0ken' }] },
});

describe('GithubScmProvider', () => {
  let github: FakeGithub;
  let provider: GithubScmProvider;

  beforeEach(() => {
    github = new FakeGithub('https://api.github.com', 'acme', 'orders');
    server.use(...github.handlers());
    provider = GithubScmProvider.fromConfig(config);
  });

  it('supports repositories on configured GitHub hosts only', () => {
    expect(provider.supports('https://github.com/acme/orders')).toBe(true);
    expect(
      provider.supports('url:https://github.com/acme/orders/tree/main/'),
    ).toBe(true);
    expect(provider.supports('https://gitlab.com/acme/orders')).toBe(false);
    expect(provider.supports('/srv/git/orders')).toBe(false);
    expect(provider.supports('not a url')).toBe(false);
  });

  it('parses owner and repository from source-location style URLs', () => {
    for (const url of [
      'https://github.com/acme/orders',
      'https://github.com/acme/orders/',
      'https://github.com/acme/orders.git',
      'url:https://github.com/acme/orders/tree/main/',
      'https://github.com/acme/orders/tree/feature/x/sql/queries',
      'https://github.com/acme/orders/blob/main/README.md',
    ]) {
      expect(parseRepositoryUrl(url)).toMatchObject({
        owner: 'acme',
        repo: 'orders',
      });
    }
    for (const url of [
      'https://github.com/acme',
      'https://github.com/acme/orders/pulls',
      'https://github.com/acme/../orders',
      'git@github.com:acme/orders.git',
      'ftp://github.com/acme/orders',
    ]) {
      expect(() => parseRepositoryUrl(url)).toThrow(url);
    }
  });

  it('creates a branch and a pull request with the draft body', async () => {
    const ref = await provider.openPullRequest(draft());

    expect(ref).toEqual({
      provider: 'github',
      url: 'https://github.com/acme/orders/pull/1',
      number: 1,
      branch: 'dataset-migrations/listening-events-v2',
      state: 'open',
    });
    expect(github.files('dataset-migrations/listening-events-v2')).toEqual({
      'README.md': 'hello',
      'queries/events.sql': 'select 1;\n',
    });
    const commit = github.commitOf('dataset-migrations/listening-events-v2');
    expect(commit.message).toBe('Migrate to listening-events v2');
    expect(commit.parents).toEqual([github.refs.get('heads/main')]);
    expect(github.files('main')).toEqual({ 'README.md': 'hello' });
    expect(github.pulls).toEqual([
      expect.objectContaining({
        title: 'Migrate to listening-events v2',
        body: '## Mapping\n\n| old | new |',
        head: 'dataset-migrations/listening-events-v2',
        base: 'main',
      }),
    ]);
  });

  it('sends the configured token with the API version headers', async () => {
    const seen: Headers[] = [];
    server.use(
      http.all('https://api.github.com/*', ({ request }) => {
        seen.push(request.headers);
      }),
    );

    await provider.openPullRequest(draft());

    expect(seen.length).toBeGreaterThan(0);
    for (const headers of seen) {
      expect(headers.get('authorization')).toBe('Bearer t0ken');
      expect(headers.get('accept')).toBe('application/vnd.github+json');
      expect(headers.get('x-github-api-version')).toBe('2022-11-28');
    }
  });

  it('updates the same branch and pull request when opened again', async () => {
    const first = await provider.openPullRequest(draft());
    const firstTip = github.refs.get(
      'heads/dataset-migrations/listening-events-v2',
    );

    const second = await provider.openPullRequest(
      draft({
        title: 'Migrate to listening-events v2 (revised)',
        body: 'revised body',
        files: [{ path: 'queries/events.sql', content: 'select 2;\n' }],
      }),
    );

    expect(second).toEqual({ ...first, state: 'open' });
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]).toMatchObject({
      number: 1,
      title: 'Migrate to listening-events v2 (revised)',
      body: 'revised body',
    });
    // Not stacked on the first attempt: a fresh commit on main, force-pushed.
    const commit = github.commitOf('dataset-migrations/listening-events-v2');
    expect(commit.parents).toEqual([github.refs.get('heads/main')]);
    expect(commit.parents).not.toContain(firstTip);
    expect(github.files('dataset-migrations/listening-events-v2')).toEqual({
      'README.md': 'hello',
      'queries/events.sql': 'select 2;\n',
    });
  });

  it('leaves the branch alone when the content is unchanged', async () => {
    await provider.openPullRequest(draft());
    const tip = github.refs.get('heads/dataset-migrations/listening-events-v2');

    await provider.openPullRequest(draft({ body: 'new evidence' }));

    expect(
      github.refs.get('heads/dataset-migrations/listening-events-v2'),
    ).toBe(tip);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0].body).toBe('new evidence');
  });

  it('reports the pull request of a branch, merged once merged_at is set', async () => {
    expect(
      await provider.getPullRequest(
        'https://github.com/acme/orders',
        'dataset-migrations/listening-events-v2',
      ),
    ).toBeUndefined();

    await provider.openPullRequest(draft());
    github.pulls[0].state = 'closed';
    github.pulls[0].merged_at = '2025-01-01T00:00:00Z';

    expect(
      await provider.getPullRequest(
        'https://github.com/acme/orders/tree/main',
        'dataset-migrations/listening-events-v2',
      ),
    ).toEqual({
      provider: 'github',
      url: 'https://github.com/acme/orders/pull/1',
      number: 1,
      branch: 'dataset-migrations/listening-events-v2',
      state: 'merged',
    });

    github.pulls[0].merged_at = null;
    await expect(
      provider.getPullRequest(
        'https://github.com/acme/orders',
        'dataset-migrations/listening-events-v2',
      ),
    ).resolves.toMatchObject({ state: 'closed' });
  });

  it('closes an open pull request with a comment, and leaves a merged one as it is', async () => {
    const opened = await provider.openPullRequest(draft());
    const at = { ...opened, repositoryUrl: 'https://github.com/acme/orders' };

    const closed = await provider.closePullRequest(at, 'Rolled back.');

    expect(closed).toEqual({ ...opened, state: 'closed' });
    expect(github.pulls[0]).toMatchObject({
      state: 'closed',
      merged_at: null,
      comments: ['Rolled back.'],
      // The close sends only the state: title and body stay.
      title: 'Migrate to listening-events v2',
    });
    await provider.closePullRequest(at, 'Rolled back.');
    expect(github.pulls[0].comments).toEqual(['Rolled back.']);

    const other = await provider.openPullRequest(
      draft({ branch: 'dataset-migrations/other' }),
    );
    github.pulls[1].state = 'closed';
    github.pulls[1].merged_at = '2025-01-01T00:00:00Z';
    await expect(
      provider.closePullRequest(
        { ...other, repositoryUrl: at.repositoryUrl },
        'x',
      ),
    ).resolves.toMatchObject({ state: 'merged' });
    expect(github.pulls[1].comments).toEqual([]);
  });

  it('reports a close GitHub refuses, and the pull request stays open', async () => {
    const opened = await provider.openPullRequest(draft());
    server.use(
      http.patch('https://api.github.com/repos/acme/orders/pulls/1', () =>
        HttpResponse.json(
          { message: 'Resource not accessible by integration' },
          { status: 403 },
        ),
      ),
    );

    await expect(
      provider.closePullRequest(
        { ...opened, repositoryUrl: 'https://github.com/acme/orders' },
        'Rolled back.',
      ),
    ).rejects.toThrow('PATCH /repos/acme/orders/pulls/1: 403');
    expect(github.pulls[0].state).toBe('open');
  });

  it('closing again after a close failed past its comment does not comment twice', async () => {
    const opened = await provider.openPullRequest(draft());
    const at = { ...opened, repositoryUrl: 'https://github.com/acme/orders' };
    // Earlier comments, the owner's among them, fill more than two pages: the
    // close's own comment is on the last.
    github.pulls[0].comments.push(
      ...Array.from({ length: 250 }, (_, i) => `Review note ${i}`),
    );
    server.use(
      http.patch(
        'https://api.github.com/repos/acme/orders/pulls/1',
        () => HttpResponse.json({ message: 'Server Error' }, { status: 502 }),
        { once: true },
      ),
    );
    await expect(provider.closePullRequest(at, 'Rolled back.')).rejects.toThrow(
      '502',
    );
    expect(github.pulls[0].comments.at(-1)).toBe('Rolled back.');

    await expect(
      provider.closePullRequest(at, 'Rolled back.'),
    ).resolves.toMatchObject({ state: 'closed' });
    expect(
      github.pulls[0].comments.filter(c => c === 'Rolled back.'),
    ).toHaveLength(1);
    expect(github.pulls[0].comments).toHaveLength(251);
    // The newest pages only: two before posting, one to find it again.
    expect(github.commentPagesRead).toEqual([3, 2, 3]);
  });

  it('says clearly when the repository cannot be seen', async () => {
    server.use(
      http.all('https://api.github.com/repos/acme/secret*', () =>
        HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      ),
    );

    const error = await provider
      .openPullRequest(
        draft({ repositoryUrl: 'https://github.com/acme/secret' }),
      )
      .catch(e => e);

    expect(error.message).toMatch(
      'GitHub repository acme/secret was not found or the token cannot see it',
    );
    expect(error.message).toMatch('GET /repos/acme/secret');
    expect(error.message).toMatch('404 Not Found');
    expect(error.message).not.toMatch('t0ken');
  });

  it('names a missing base branch', async () => {
    await expect(
      provider.openPullRequest(draft({ baseBranch: 'develop' })),
    ).rejects.toThrow(
      'base branch "develop" does not exist in GitHub repository acme/orders',
    );
  });

  it('reports the method, path, status and message of other failures', async () => {
    server.use(
      http.post('https://api.github.com/repos/acme/orders/git/blobs', () =>
        HttpResponse.json(
          { message: 'Resource not accessible by integration' },
          { status: 403 },
        ),
      ),
    );

    await expect(provider.openPullRequest(draft())).rejects.toThrow(
      'the GitHub token is not allowed to do this in repository acme/orders (POST /repos/acme/orders/git/blobs: 403 Resource not accessible by integration)',
    );
  });

  it('uses the API base URL of a GitHub Enterprise integration', async () => {
    const enterprise = new FakeGithub(
      'https://ghe.acme.dev/api/v3',
      'data',
      'warehouse',
      'https://ghe.acme.dev',
    );
    server.use(...enterprise.handlers());
    const gheProvider = GithubScmProvider.fromConfig(
      new ConfigReader({
        integrations: {
          github: [
            { host: 'github.com', token: 't0ken' },
            {
              host: 'ghe.acme.dev',
              apiBaseUrl: 'https://ghe.acme.dev/api/v3',
              token: 'ghe-t0ken',
            },
          ],
        },
      }),
    );

    expect(gheProvider.supports('https://ghe.acme.dev/data/warehouse')).toBe(
      true,
    );
    const ref = await gheProvider.openPullRequest(
      draft({ repositoryUrl: 'https://ghe.acme.dev/data/warehouse' }),
    );

    expect(ref.url).toBe('https://ghe.acme.dev/data/warehouse/pull/1');
    expect(enterprise.pulls).toHaveLength(1);
    expect(github.pulls).toHaveLength(0);
    expect(new Set(enterprise.authorizations)).toEqual(
      new Set(['Bearer ghe-t0ken']),
    );
  });

  it('rejects drafts that could escape the repository', async () => {
    await expect(
      provider.openPullRequest(
        draft({ files: [{ path: '../etc/passwd', content: '' }] }),
      ),
    ).rejects.toThrow('file path "../etc/passwd"');
    await expect(
      provider.openPullRequest(draft({ branch: 'x; rm -rf /' })),
    ).rejects.toThrow('branch "x; rm -rf /"');
  });

  describe('a base or branch that moved', () => {
    it('starts the branch at the commit the patch was made from, so others’ later changes are never undone', async () => {
      github.push('main', { 'queries/events.sql': 'select 0;\n' }, 'seed');
      const patchedFrom = github.refs.get('heads/main')!;
      // After the patch was made, someone changes another file and the patched one.
      github.push(
        'main',
        { 'README.md': 'newer', 'queries/events.sql': 'select 2;\n' },
        'later work',
      );

      await provider.openPullRequest(draft({ baseCommit: patchedFrom }));

      const head = github.commitOf('dataset-migrations/listening-events-v2');
      expect(head.parents).toEqual([patchedFrom]);
      // The README is as it was at the patch's commit: merging leaves main's newer
      // README alone, and the patched file conflicts instead of silently reverting.
      expect(github.files('dataset-migrations/listening-events-v2')).toEqual({
        'README.md': 'hello',
        'queries/events.sql': 'select 1;\n',
      });
    });

    it('refuses a commit the repository does not have', async () => {
      await expect(
        provider.openPullRequest(draft({ baseCommit: 'f'.repeat(40) })),
      ).rejects.toThrow(
        /commit f{40}, which the patch was made from, is not in GitHub repository acme\/orders/,
      );
      expect(
        github.refs.has('heads/dataset-migrations/listening-events-v2'),
      ).toBe(false);
    });

    it('never overwrites a branch holding someone else’s commit', async () => {
      const branch = 'dataset-migrations/listening-events-v2';
      await provider.openPullRequest(draft());
      const fix = github.push(
        branch,
        { 'queries/events.sql': 'select 3;\n' },
        'reviewer fix',
      );

      await expect(
        provider.openPullRequest(
          draft({
            files: [{ path: 'queries/events.sql', content: 'select 4;\n' }],
          }),
        ),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(
          /has commits this plugin did not make .*left as it is/,
        ),
      });
      expect(github.refs.get(`heads/${branch}`)).toBe(fix);
    });

    it('does not re-open a pull request its owner closed, and leaves a merged one as it is', async () => {
      const opened = await provider.openPullRequest(draft());
      github.pulls[0].state = 'closed';
      const tip = github.refs.get(
        'heads/dataset-migrations/listening-events-v2',
      );

      await expect(provider.openPullRequest(draft())).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(
          `${opened.url} was closed without merging`,
        ),
      });
      expect(github.pulls).toHaveLength(1);
      expect(github.pulls[0].state).toBe('closed');
      expect(
        github.refs.get('heads/dataset-migrations/listening-events-v2'),
      ).toBe(tip);

      github.pulls[0].merged_at = '2026-12-01T00:00:00Z';
      await expect(
        provider.openPullRequest(draft({ title: 'changed' })),
      ).resolves.toMatchObject({ state: 'merged' });
      expect(github.pulls[0].title).toBe('Migrate to listening-events v2');
    });
  });
});
