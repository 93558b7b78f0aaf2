import { DatasetMigrationsClient } from './DatasetMigrationsClient';

const BASE = 'http://backend/api/dataset-migrations';

function client(status: number, body: unknown) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => ({
    ok: status < 400,
    status,
    statusText: status < 400 ? 'OK' : 'Conflict',
    headers: {
      get: (name: string) =>
        name === 'content-type' ? 'application/json' : null,
    },
    text: async () => JSON.stringify(body),
    json: async () => body,
  }));
  const api = new DatasetMigrationsClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { api, fetch };
}

describe('DatasetMigrationsClient pull requests', () => {
  const pullRequest = { number: 1, state: 'open', title: 'Read v2' };

  it('reads a consumer’s pull request by the parts of its entity ref', async () => {
    const { api, fetch } = client(200, { pullRequest });
    await expect(
      api.getConsumerPullRequest('m1', 'component:default/churn-model'),
    ).resolves.toEqual(pullRequest);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/migrations/m1/consumers/component/default/churn-model/pull-request`,
      expect.objectContaining({ method: 'GET' }),
    );
  });

  it('merges with a POST, and surfaces a refusal in the server’s words', async () => {
    const { api, fetch } = client(409, {
      error: { name: 'ConflictError', message: 'is merged, not open' },
      response: { statusCode: 409 },
    });
    await expect(
      api.mergeConsumerPullRequest('m1', 'component:team a/x'),
    ).rejects.toMatchObject({ cause: { message: 'is merged, not open' } });
    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/migrations/m1/consumers/component/team%20a/x/pull-request/merge`,
      expect.objectContaining({ method: 'POST' }),
    );
  });
});
