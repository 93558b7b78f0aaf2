import { ConfigReader } from '@backstage/config';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { MAX_DIFF_BYTES } from './diffLimit';
import { GithubScmProvider } from './GithubScmProvider';

const API = 'https://api.github.com/repos/acme/orders';
const BRANCH = 'dataset-migrations/listening-events-v2/orders';

/**
 * One pull request as GitHub's REST API serves it: listed by head branch
 * (`GET /pulls?head=owner:branch&state=all`), read as JSON or, in the
 * `application/vnd.github.diff` media type, as a diff (`GET /pulls/{n}`), and its
 * files 100 a page at most (`GET /pulls/{n}/files?per_page&page`).
 */
class FakePull {
  number = 7;
  title = 'Read listening-events schema version 2';
  body: string | null = '## Mapping\n\n`track_id` → `track_uri`';
  state: 'open' | 'closed' = 'open';
  merged_at: string | null = null;
  diff = 'diff --git a/q.sql b/q.sql\n-select track_id\n+select track_uri\n';
  /** GitHub answers 406 for diffs above its limits. */
  diffTooLarge = false;
  files = Array.from({ length: 150 }, (_, i) => ({
    filename: `queries/q${i}.sql`,
    additions: i,
    deletions: 1,
    status: 'modified',
  }));
  readonly requests: Array<{ url: string; accept: string | null }> = [];

  handlers() {
    const json = () => ({
      number: this.number,
      html_url: `https://github.com/acme/orders/pull/${this.number}`,
      state: this.state,
      merged_at: this.merged_at,
      title: this.title,
      body: this.body,
      head: { ref: BRANCH },
      base: { ref: 'main' },
    });
    return [
      http.all(`${API}/*`, ({ request }) => {
        expectToken(request);
        this.requests.push({
          url: request.url,
          accept: request.headers.get('accept'),
        });
      }),
      http.get(`${API}/pulls`, ({ request }) => {
        const query = new URL(request.url).searchParams;
        const mine =
          query.get('head') === `acme:${BRANCH}` &&
          query.get('state') === 'all';
        return HttpResponse.json(mine ? [json()] : []);
      }),
      http.get(`${API}/pulls/:number`, ({ request, params }) => {
        if (Number(params.number) !== this.number)
          return HttpResponse.json({ message: 'Not Found' }, { status: 404 });
        if (request.headers.get('accept') !== 'application/vnd.github.diff')
          return HttpResponse.json(json());
        if (this.diffTooLarge)
          return HttpResponse.json(
            {
              message:
                'Sorry, the diff exceeded the maximum number of lines (20000)',
            },
            { status: 406 },
          );
        return new HttpResponse(this.diff, {
          headers: { 'content-type': 'application/vnd.github.diff' },
        });
      }),
      http.get(`${API}/pulls/:number/files`, ({ request }) => {
        const query = new URL(request.url).searchParams;
        const perPage = Math.min(Number(query.get('per_page') ?? 30), 100);
        const page = Number(query.get('page') ?? 1);
        return HttpResponse.json(
          this.files.slice((page - 1) * perPage, page * perPage),
        );
      }),
    ];
  }
}

/** The provider sends every request with the configured token. */
function expectToken(request: Request) {
  expect(request.headers.get('authorization')).toBe('Bearer t0ken');
}

const server = setupServer();
registerMswTestHooks(server);

// A budget for a loaded machine; nothing here waits on time.
jest.setTimeout(30_000);

describe('GithubScmProvider.describePullRequest', () => {
  const provider = GithubScmProvider.fromConfig(
    new ConfigReader({
      integrations: { github: [{ host: 'github.com', token: 't0ken' }] },
    }),
  );
  const url = 'url:https://github.com/acme/orders/tree/main/';
  let pull: FakePull;

  beforeEach(() => {
    pull = new FakePull();
    server.use(...pull.handlers());
  });

  it('reads title, body, base, state, every file over pages, and the diff media type', async () => {
    const described = await provider.describePullRequest(url, BRANCH);

    expect(described).toMatchObject({
      provider: 'github',
      url: 'https://github.com/acme/orders/pull/7',
      number: 7,
      branch: BRANCH,
      base: 'main',
      state: 'open',
      title: 'Read listening-events schema version 2',
      body: '## Mapping\n\n`track_id` → `track_uri`',
      diff: pull.diff,
      diffTruncated: false,
    });
    expect(described!.files).toHaveLength(150);
    expect(described!.files[149]).toEqual({
      path: 'queries/q149.sql',
      additions: 149,
      deletions: 1,
    });
    expect(
      pull.requests.filter(r => r.accept === 'application/vnd.github.diff'),
    ).toHaveLength(1);
  });

  it('says merged for a merged pull request, and reads a missing body as empty', async () => {
    pull.state = 'closed';
    pull.merged_at = '2026-11-30T10:00:00Z';
    pull.body = null;

    expect(await provider.describePullRequest(url, BRANCH)).toMatchObject({
      state: 'merged',
      body: '',
    });
  });

  it('answers undefined for a branch without a pull request', async () => {
    expect(
      await provider.describePullRequest(url, 'dataset-migrations/other'),
    ).toBeUndefined();
  });

  it('cuts a long diff with a marker, and keeps the files when GitHub refuses the diff', async () => {
    pull.diff = `${'+select 1;\n'.repeat(60_000)}`;
    const long = await provider.describePullRequest(url, BRANCH);
    expect(long!.diffTruncated).toBe(true);
    expect(Buffer.byteLength(long!.diff)).toBeLessThan(MAX_DIFF_BYTES + 200);
    expect(long!.diff).toMatch(
      /\+select 1;\n\n… diff cut at 512 KiB of 660000 bytes; the whole change is on the branch\n$/,
    );

    pull.diffTooLarge = true;
    const refused = await provider.describePullRequest(url, BRANCH);
    expect(refused).toMatchObject({
      diffTruncated: true,
      diff: '… diff cut at 512 KiB; the whole change is on the branch\n',
    });
    expect(refused!.files).toHaveLength(150);
  });
});
