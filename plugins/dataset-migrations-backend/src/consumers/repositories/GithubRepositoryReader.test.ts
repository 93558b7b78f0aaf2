import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigReader } from '@backstage/config';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { git } from './git';
import { GithubRepositoryReader } from './GithubRepositoryReader';
import { MAX_READ_BYTES } from './RepositoryReader';

/**
 * One GitHub repository behind the REST endpoints the reader uses: the repository,
 * its recursive tree and its blobs (base64, wrapped at 60 columns as GitHub does).
 */
class FakeGithubRepository {
  readonly blobs = new Map<string, string>();
  readonly tree: {
    path: string;
    mode: string;
    type: string;
    sha: string;
    size?: number;
  }[] = [];
  readonly requests: { path: string; authorization: string | null }[] = [];
  truncated = false;
  /** The default branch's tip. */
  headCommit = 'c0ffee'.padEnd(40, '0');
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    readonly apiBaseUrl: string,
    readonly owner: string,
    readonly repo: string,
    readonly defaultBranch = 'main',
  ) {}

  addFile(path: string, content: string, options: { size?: number } = {}) {
    const sha = createHash('sha1').update(content).digest('hex');
    this.blobs.set(sha, content);
    this.tree.push({
      path,
      mode: '100644',
      type: 'blob',
      sha,
      size: options.size ?? Buffer.byteLength(content),
    });
    return sha;
  }

  blobRequests() {
    return this.requests.filter(r => r.path.includes('/git/blobs/'));
  }

  handlers() {
    const repo = `${this.apiBaseUrl}/repos/${this.owner}/${this.repo}`;
    return [
      http.all(`${this.apiBaseUrl}/*`, ({ request }) => {
        const url = new URL(request.url);
        this.requests.push({
          path: url.pathname + url.search,
          authorization: request.headers.get('authorization'),
        });
      }),
      http.get(repo, () =>
        HttpResponse.json({
          full_name: `${this.owner}/${this.repo}`,
          default_branch: this.defaultBranch,
        }),
      ),
      http.get(`${repo}/git/ref/heads/*`, ({ params }) =>
        params[0] === this.defaultBranch
          ? HttpResponse.json({
              ref: `refs/heads/${this.defaultBranch}`,
              object: { sha: this.headCommit, type: 'commit' },
            })
          : HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      ),
      // GitHub takes a tree's SHA or a commit's (or a ref's name) here.
      http.get(`${repo}/git/trees/*`, ({ request, params }) => {
        const recursive = new URL(request.url).searchParams.get('recursive');
        if (params[0] !== this.headCommit || recursive !== '1') {
          return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
        }
        return HttpResponse.json({
          sha: 'tree-sha',
          tree: this.tree,
          truncated: this.truncated,
        });
      }),
      http.get(`${repo}/git/blobs/:sha`, async ({ params }) => {
        const content = this.blobs.get(params.sha as string);
        if (content === undefined) {
          return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
        }
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        await delay(5);
        this.inFlight--;
        const base64 = Buffer.from(content).toString('base64');
        return HttpResponse.json({
          sha: params.sha,
          encoding: 'base64',
          content: base64.replace(/.{60}/g, '$&\n'),
          size: Buffer.byteLength(content),
        });
      }),
    ];
  }
}

const server = setupServer();
registerMswTestHooks(server);

const config = new ConfigReader({
  integrations: { github: [{ host: 'github.com', token: 't0ken' }] },
});
const basicT0ken = Buffer.from('x-access-token:t0ken').toString('base64');

describe('GithubRepositoryReader', () => {
  let github: FakeGithubRepository;
  let reader: GithubRepositoryReader;

  beforeEach(() => {
    github = new FakeGithubRepository(
      'https://api.github.com',
      'acme',
      'orders',
      'trunk',
    );
    server.use(...github.handlers());
    reader = GithubRepositoryReader.fromConfig(config);
  });

  it('supports repositories on configured GitHub hosts only', () => {
    expect(reader.supports('https://github.com/acme/orders')).toBe(true);
    expect(
      reader.supports('url:https://github.com/acme/orders/tree/main/'),
    ).toBe(true);
    expect(reader.supports('https://gitlab.com/acme/orders')).toBe(false);
    expect(reader.supports('file:///srv/git/orders')).toBe(false);
  });

  it('reads the scanned files of the default branch with their contents', async () => {
    github.addFile('queries/events.sql', 'select * from listening_events;\n');
    const yaml = `models:\n  - name: orders\n    description: "${'é'.repeat(
      80,
    )}"\n`;
    github.addFile('models/orders.yml', yaml);
    // A service in any language is read; its lock file is not.
    github.addFile('cmd/totals/main.go', 'db.Query("SELECT 1 FROM orders")\n');
    github.addFile('package-lock.json', '{"name": "orders"}\n');
    github.addFile('README.md', '# orders\n');
    github.addFile('logo.png', 'not really a png');
    const bigSha = github.addFile('dumps/huge.sql', 'select 1;\n', {
      size: MAX_READ_BYTES + 1,
    });
    github.tree.push(
      { path: 'queries', mode: '040000', type: 'tree', sha: 'queries-tree' },
      { path: 'vendor/lib.py', mode: '160000', type: 'commit', sha: 'sub' },
    );
    const linkSha = github.addFile('link.sql', 'queries/events.sql');
    github.tree[github.tree.length - 1].mode = '120000';

    const snapshot = await reader.read('url:https://github.com/acme/orders');

    expect(snapshot.url).toBe('url:https://github.com/acme/orders');
    expect(snapshot.defaultBranch).toBe('trunk');
    expect(snapshot.commit).toBe(github.headCommit);
    expect(snapshot.files).toEqual([
      {
        path: 'queries/events.sql',
        content: 'select * from listening_events;\n',
      },
      { path: 'models/orders.yml', content: yaml },
      {
        path: 'cmd/totals/main.go',
        content: 'db.Query("SELECT 1 FROM orders")\n',
      },
    ]);
    const requested = github.blobRequests().map(r => r.path);
    expect(requested).toHaveLength(3);
    expect(requested.some(p => p.endsWith(bigSha))).toBe(false);
    expect(requested.some(p => p.endsWith(linkSha))).toBe(false);
    // The tree of the tip's commit, not of the branch's name, which may move.
    expect(github.requests.map(r => r.path)).toContain(
      `/repos/acme/orders/git/trees/${github.headCommit}?recursive=1`,
    );
  });

  it("reads a commit's tree and blobs once; a moved branch is read again", async () => {
    github.addFile('a.sql', 'select 1;\n');
    github.addFile('b.sql', 'select 2;\n');
    const first = await reader.read('https://github.com/acme/orders');
    first.files[0].content = 'changed by a caller';
    const before = github.requests.length;

    const again = await reader.read('https://github.com/acme/orders');

    // Only the repository and its branch's commit: no tree, no blob.
    expect(github.requests.slice(before).map(r => r.path)).toEqual([
      '/repos/acme/orders',
      '/repos/acme/orders/git/ref/heads/trunk',
    ]);
    expect(again.commit).toBe(github.headCommit);
    expect(again.files).toEqual([
      { path: 'a.sql', content: 'select 1;\n' },
      { path: 'b.sql', content: 'select 2;\n' },
    ]);

    github.headCommit = 'beef'.padEnd(40, '0');
    github.addFile('c.sql', 'select 3;\n');
    const moved = await reader.read('https://github.com/acme/orders');
    expect(moved.commit).toBe(github.headCommit);
    expect(moved.files.map(f => f.path)).toEqual(['a.sql', 'b.sql', 'c.sql']);
    expect(github.blobRequests()).toHaveLength(5);
  });

  it('sends the configured token on every request', async () => {
    github.addFile('a.sql', 'select 1;\n');

    await reader.read('https://github.com/acme/orders');

    expect(github.requests).toHaveLength(4);
    expect(new Set(github.requests.map(r => r.authorization))).toEqual(
      new Set(['Bearer t0ken']),
    );
  });

  it('fetches blobs concurrently, at most eight at a time', async () => {
    for (let i = 0; i < 30; i++) {
      github.addFile(`queries/q${i}.sql`, `select ${i};\n`);
    }

    const snapshot = await reader.read('https://github.com/acme/orders');

    expect(snapshot.files.map(f => f.content)).toEqual(
      Array.from({ length: 30 }, (_, i) => `select ${i};\n`),
    );
    expect(github.maxInFlight).toBeGreaterThan(1);
    expect(github.maxInFlight).toBeLessThanOrEqual(8);
  });

  it('lists a default branch whose name has a slash', async () => {
    const releases = new FakeGithubRepository(
      'https://api.github.com',
      'acme',
      'releases',
      'release/2024',
    );
    server.use(...releases.handlers());
    releases.addFile('a.sql', 'select 1;\n');

    const snapshot = await reader.read('https://github.com/acme/releases');

    expect(snapshot.defaultBranch).toBe('release/2024');
    expect(snapshot.files).toEqual([{ path: 'a.sql', content: 'select 1;\n' }]);
  });

  it('says clearly when the repository cannot be seen', async () => {
    server.use(
      http.all('https://api.github.com/repos/acme/secret*', () =>
        HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      ),
    );

    const error = await reader
      .read('https://github.com/acme/secret')
      .catch(e => e);

    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(
      'GitHub repository acme/secret was not found or the token cannot see it',
    );
    expect(error.message).toMatch('404 Not Found');
    expect(error.message).not.toMatch('t0ken');
  });

  it('says clearly when the credentials are rejected', async () => {
    server.use(
      http.get('https://api.github.com/repos/acme/orders', () =>
        HttpResponse.json({ message: 'Bad credentials' }, { status: 401 }),
      ),
    );

    const error = await reader
      .read('https://github.com/acme/orders')
      .catch(e => e);

    expect(error.message).toMatch(
      'GitHub on github.com rejected the configured credentials (GET /repos/acme/orders: 401 Bad credentials)',
    );
    expect(error.message).not.toMatch('t0ken');
  });

  it('refuses a repository whose tree GitHub truncates', async () => {
    github.addFile('a.sql', 'select 1;\n');
    github.truncated = true;

    await expect(reader.read('https://github.com/acme/orders')).rejects.toThrow(
      'GitHub repository acme/orders is too large to scan through the API',
    );
    expect(github.blobRequests()).toHaveLength(0);
  });

  it('fails when a blob cannot be read, naming the request', async () => {
    github.addFile('a.sql', 'select 1;\n');
    github.tree.push({
      path: 'b.sql',
      mode: '100644',
      type: 'blob',
      sha: 'f'.repeat(40),
      size: 10,
    });

    await expect(reader.read('https://github.com/acme/orders')).rejects.toThrow(
      `GET /repos/acme/orders/git/blobs/${'f'.repeat(40)}: 404`,
    );
  });

  it('uses the API base URL and token of a GitHub Enterprise integration', async () => {
    const enterprise = new FakeGithubRepository(
      'https://ghe.acme.dev/api/v3',
      'data',
      'warehouse',
    );
    enterprise.addFile('dbt/models/orders.sql', 'select 1;\n');
    server.use(...enterprise.handlers());
    const gheReader = GithubRepositoryReader.fromConfig(
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

    expect(gheReader.supports('https://ghe.acme.dev/data/warehouse')).toBe(
      true,
    );
    const snapshot = await gheReader.read(
      'https://ghe.acme.dev/data/warehouse',
    );

    expect(snapshot).toEqual({
      url: 'https://ghe.acme.dev/data/warehouse',
      defaultBranch: 'main',
      commit: enterprise.headCommit,
      files: [{ path: 'dbt/models/orders.sql', content: 'select 1;\n' }],
    });
    expect(enterprise.requests).toHaveLength(4);
    expect(new Set(enterprise.requests.map(r => r.authorization))).toEqual(
      new Set(['Bearer ghe-t0ken']),
    );
    expect(github.requests).toHaveLength(0);
  });

  it('rejects URLs it cannot map to a configured GitHub repository', async () => {
    await expect(reader.read('https://gitlab.com/acme/orders')).rejects.toThrow(
      'no GitHub integration is configured for host gitlab.com',
    );
    await expect(reader.read('https://github.com/acme')).rejects.toThrow(
      'is not a GitHub repository URL',
    );
  });

  describe('checkout', () => {
    let work: string;
    let calls: { args: string[]; env: NodeJS.ProcessEnv }[];
    const recordingGit: typeof git = (args, options = {}) => {
      calls.push({ args, env: options.env ?? {} });
      return git(args, options);
    };

    beforeEach(async () => {
      work = await mkdtemp(join(tmpdir(), 'dsm-github-reader-'));
      calls = [];
    });

    afterEach(async () => {
      await rm(work, { recursive: true, force: true });
    });

    /** A bare repository with two commits on `trunk`, as a `file://` URL. */
    async function bareRepository(): Promise<string> {
      const source = join(work, 'source');
      await git(['init', '--quiet', '--initial-branch', 'trunk', source]);
      const commit = (message: string) =>
        git(
          [
            '-c',
            'user.name=test',
            '-c',
            'user.email=test@example.com',
            'commit',
            '--quiet',
            '--allow-empty',
            '-am',
            message,
          ],
          { cwd: source },
        );
      await writeFile(join(source, 'events.sql'), 'select 1;\n');
      await git(['add', 'events.sql'], { cwd: source });
      await commit('first');
      await writeFile(join(source, 'events.sql'), 'select 2;\n');
      await commit('second');
      const bare = join(work, 'orders.git');
      await git(['clone', '--quiet', '--bare', source, bare]);
      return pathToFileURL(bare).href;
    }

    it('clones the default branch shallowly, the token only in the environment', async () => {
      const bareUrl = await bareRepository();
      const cloneUrls: string[] = [];
      const local = GithubRepositoryReader.fromConfig(config, {
        cloneUrl: (owner, repo) => {
          cloneUrls.push(`${owner}/${repo}`);
          return bareUrl;
        },
        git: recordingGit,
      });
      const dir = join(work, 'checkout');

      await local.checkout('https://github.com/acme/orders/tree/main', dir);

      expect(cloneUrls).toEqual(['acme/orders']);
      expect(await readFile(join(dir, 'events.sql'), 'utf8')).toBe(
        'select 2;\n',
      );
      expect(existsSync(join(dir, '.git', 'shallow'))).toBe(true);
      expect(
        (await git(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: dir }))
          .toString()
          .trim(),
      ).toBe('trunk');
      expect(
        (await git(['rev-list', '--count', 'HEAD'], { cwd: dir }))
          .toString()
          .trim(),
      ).toBe('1');

      expect(calls).toHaveLength(1);
      const [{ args, env }] = calls;
      expect(args).toEqual(expect.arrayContaining(['clone', bareUrl, dir]));
      expect(args).toEqual(
        expect.arrayContaining(['--depth', '1', '--no-tags']),
      );
      expect(JSON.stringify(args)).not.toMatch(/t0ken|Authorization/);
      expect(JSON.stringify(args)).not.toContain(basicT0ken);
      const index = Number(env.GIT_CONFIG_COUNT) - 1;
      expect(env[`GIT_CONFIG_KEY_${index}`]).toBe('http.extraHeader');
      expect(env[`GIT_CONFIG_VALUE_${index}`]).toBe(
        `Authorization: Basic ${basicT0ken}`,
      );
      expect(env.GIT_TERMINAL_PROMPT).toBe('0');
      // Nothing of the token is left in the working copy agents will run in.
      expect(await readFile(join(dir, '.git', 'config'), 'utf8')).not.toMatch(
        /t0ken|extraheader|Authorization/i,
      );
    });

    it('checks out the commit a patch was made from, not the branch as it moved since', async () => {
      const bareUrl = await bareRepository();
      const first = (
        await git(['rev-parse', 'trunk~1'], { cwd: new URL(bareUrl).pathname })
      )
        .toString()
        .trim();
      const local = GithubRepositoryReader.fromConfig(config, {
        cloneUrl: () => bareUrl,
        git: recordingGit,
      });
      const dir = join(work, 'pinned');

      await local.checkout('https://github.com/acme/orders', dir, first);

      expect(await readFile(join(dir, 'events.sql'), 'utf8')).toBe(
        'select 1;\n',
      );
      expect(
        (await git(['rev-parse', 'HEAD'], { cwd: dir })).toString().trim(),
      ).toBe(first);
      // The token travels as before: in the fetch's environment only.
      const fetch = calls.find(c => c.args[0] === 'fetch')!;
      expect(JSON.stringify(fetch.args)).not.toContain(basicT0ken);
      const index = Number(fetch.env.GIT_CONFIG_COUNT) - 1;
      expect(fetch.env[`GIT_CONFIG_VALUE_${index}`]).toBe(
        `Authorization: Basic ${basicT0ken}`,
      );
      expect(await readFile(join(dir, '.git', 'config'), 'utf8')).not.toMatch(
        /t0ken|extraheader|Authorization/i,
      );
      // Whatever the ledger holds, only a commit id reaches git.
      await expect(
        local.checkout(
          'https://github.com/acme/orders',
          join(work, 'x'),
          '--upload-pack=touch /tmp/pwned',
        ),
      ).rejects.toThrow('is not a commit id');
    });

    it('clones from the integration host by default', async () => {
      const failing: typeof git = (args, options = {}) => {
        calls.push({ args, env: options.env ?? {} });
        return Promise.reject(new Error('git clone failed: offline'));
      };
      const offline = GithubRepositoryReader.fromConfig(
        new ConfigReader({
          integrations: {
            github: [
              {
                host: 'ghe.acme.dev',
                apiBaseUrl: 'https://ghe.acme.dev/api/v3',
                token: 'ghe-t0ken',
              },
            ],
          },
        }),
        { git: failing },
      );

      await expect(
        offline.checkout('https://ghe.acme.dev/data/warehouse.git', work),
      ).rejects.toThrow(
        'could not clone GitHub repository data/warehouse from https://ghe.acme.dev/data/warehouse.git: git clone failed: offline',
      );
      expect(calls[0].args).toContain(
        'https://ghe.acme.dev/data/warehouse.git',
      );
      const index = Number(calls[0].env.GIT_CONFIG_COUNT) - 1;
      expect(calls[0].env[`GIT_CONFIG_KEY_${index}`]).toBe(
        'http.https://ghe.acme.dev/.extraHeader',
      );
      expect(calls[0].env[`GIT_CONFIG_VALUE_${index}`]).toBe(
        `Authorization: Basic ${Buffer.from(
          'x-access-token:ghe-t0ken',
        ).toString('base64')}`,
      );
    });

    describe('over HTTP', () => {
      let httpServer: Server;
      let authorizations: (string | undefined)[];

      beforeEach(async () => {
        authorizations = [];
        // Records what git sends, then answers like GitHub for a missing repository.
        httpServer = createServer((request, response) => {
          authorizations.push(request.headers.authorization);
          response.writeHead(404, { 'Content-Type': 'text/plain' });
          response.end('Repository not found.');
        });
        httpServer.listen(0, '127.0.0.1');
        await once(httpServer, 'listening');
      });

      afterEach(async () => {
        httpServer.close();
        await once(httpServer, 'close');
      });

      it('sends the token as a Basic header and keeps it out of errors', async () => {
        const { port } = httpServer.address() as AddressInfo;
        const remote = GithubRepositoryReader.fromConfig(config, {
          cloneUrl: (owner, repo) =>
            `http://127.0.0.1:${port}/${owner}/${repo}.git`,
          git: recordingGit,
        });

        const error = await remote
          .checkout('https://github.com/acme/orders', join(work, 'checkout'))
          .catch(e => e);

        expect(authorizations.length).toBeGreaterThan(0);
        expect(new Set(authorizations)).toEqual(
          new Set([`Basic ${basicT0ken}`]),
        );
        expect(error.message).toMatch(
          `could not clone GitHub repository acme/orders from http://127.0.0.1:${port}/acme/orders.git`,
        );
        expect(error.message).not.toMatch('t0ken');
        expect(error.message).not.toContain(basicT0ken);
        expect(JSON.stringify(calls[0].args)).not.toContain(basicT0ken);
      });
    });
  });
});
