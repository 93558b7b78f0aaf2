import { DatasetMigrationsClient } from './DatasetMigrationsClient';

const BASE = 'http://backend/api/dataset-migrations';

/** Just enough of a fetch Response for the client and ResponseError. */
function reply(status: number, body: string, contentType: string) {
  return {
    ok: status < 400,
    status,
    statusText: status < 400 ? 'OK' : 'Not Found',
    headers: {
      get: (name: string) => (name === 'content-type' ? contentType : null),
    },
    text: async () => body,
    json: async () => JSON.parse(body),
    blob: async () => new Blob([body], { type: contentType }),
  };
}

function client(response: ReturnType<typeof reply>) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => response);
  const api = new DatasetMigrationsClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { api, fetch };
}

describe('DatasetMigrationsClient', () => {
  it('asks whether the backend has a coding agent', async () => {
    const { api, fetch } = client(
      reply(200, '{"configured":false}', 'application/json'),
    );
    await expect(api.getCodingAgent()).resolves.toEqual({ configured: false });
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/coding-agent`,
      expect.objectContaining({ method: 'GET' }),
    );
  });

  it('retries the named consumers, or all failed ones with an empty body', async () => {
    const { api, fetch } = client(
      reply(200, '{"retried":["component:default/a"]}', 'application/json'),
    );
    await expect(
      api.retryConsumers('m 1', ['component:default/a']),
    ).resolves.toEqual({ retried: ['component:default/a'] });
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/migrations/m%201/consumers/retry`,
      expect.objectContaining({
        method: 'POST',
        body: '{"entityRefs":["component:default/a"]}',
      }),
    );
    await api.retryConsumers('m1');
    expect(fetch.mock.calls[1][1]?.body).toBe('{}');
  });

  it('lists a consumer entity’s migrations by its ref, paged only when asked', async () => {
    const { api, fetch } = client(
      reply(200, '{"items":[],"nextOffset":10}', 'application/json'),
    );
    await expect(
      api.listConsumerMigrations('component:default/a&b'),
    ).resolves.toEqual({ items: [], nextOffset: 10 });
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/consumers?entityRef=component%3Adefault%2Fa%26b`,
    );
    await api.listConsumerMigrations('component:default/a', {
      limit: 5,
      offset: 10,
    });
    expect(fetch.mock.calls[1][0]).toBe(
      `${BASE}/consumers?entityRef=component%3Adefault%2Fa&limit=5&offset=10`,
    );
  });

  it('reads a ledger whole, or a page of it filtered by state', async () => {
    const { api, fetch } = client(
      reply(200, '{"consumers":[],"total":0}', 'application/json'),
    );
    await api.getConsumerLedger('m 1');
    expect(fetch.mock.calls[0][0]).toBe(`${BASE}/migrations/m%201/consumers`);
    await api.getConsumerLedger('m1', {
      limit: 20,
      offset: 40,
      state: ['failed', 'kept'],
    });
    expect(fetch.mock.calls[1][0]).toBe(
      `${BASE}/migrations/m1/consumers?limit=20&offset=40&state=failed%2Ckept`,
    );
  });

  it('rolls back without a body, or with the override and its reason', async () => {
    const { api, fetch } = client(
      reply(200, '{"migration":{"id":"m1"}}', 'application/json'),
    );
    await api.rollbackMigration('m1');
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/migrations/m1/rollback`,
      expect.objectContaining({ method: 'POST' }),
    );
    expect(fetch.mock.calls[0][1]?.body).toBeUndefined();
    await expect(
      api.rollbackMigration('m1', { reason: 'invoices break' }),
    ).resolves.toEqual({ id: 'm1' });
    expect(fetch.mock.calls[1][1]?.body).toBe(
      '{"override":{"reason":"invoices break"}}',
    );
  });

  it('posts a consumer decision to the migration it belongs to', async () => {
    const { api, fetch } = client(
      reply(
        200,
        '{"consumer":{"entityRef":"component:default/a","state":"excluded"}}',
        'application/json',
      ),
    );
    await expect(
      api.decideConsumer('m 1', {
        entityRef: 'component:default/a',
        decision: 'exclude',
        reason: 'retired',
      }),
    ).resolves.toEqual({
      consumer: { entityRef: 'component:default/a', state: 'excluded' },
    });
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/migrations/m%201/consumers/decisions`,
      expect.objectContaining({
        method: 'POST',
        body: '{"entityRef":"component:default/a","decision":"exclude","reason":"retired"}',
      }),
    );
  });

  it('fetches the impact CSV through fetchApi, so the user’s token goes along', async () => {
    const { api, fetch } = client(
      reply(200, 'consumer,owner\r\n', 'text/csv; charset=utf-8'),
    );
    const csv = await api.getImpactCsv('m1');
    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/migrations/m1/impact.csv`,
      expect.objectContaining({ method: 'GET' }),
    );
    expect(csv.type).toBe('text/csv; charset=utf-8');
    expect(csv.size).toBe('consumer,owner\r\n'.length);
  });

  it('sends an impact preview and surfaces the server’s refusal as the cause', async () => {
    const { api, fetch } = client(
      reply(
        404,
        JSON.stringify({
          error: {
            name: 'NotFoundError',
            message: 'no dataset resource:default/x',
          },
          response: { statusCode: 404 },
        }),
        'application/json',
      ),
    );
    const request = {
      entityRef: 'resource:default/x',
      changes: [{ dropField: { name: 'country' } }],
    };
    const refusal = api.previewImpact(request);
    await expect(refusal).rejects.toMatchObject({
      cause: { message: 'no dataset resource:default/x' },
    });
    expect(fetch).toHaveBeenCalledWith(
      `${BASE}/impact`,
      expect.objectContaining({ body: JSON.stringify(request) }),
    );
  });

  it('approves the request it names by digest, with an optional comment', async () => {
    const { api, fetch } = client(
      reply(
        200,
        '{"migration":{"id":"m 1","status":"queued"}}',
        'application/json',
      ),
    );
    await expect(
      api.approveMigration('m 1', { requestDigest: 'sha256:abc' }),
    ).resolves.toEqual({ id: 'm 1', status: 'queued' });
    expect(fetch).toHaveBeenLastCalledWith(
      `${BASE}/migrations/m%201/approve`,
      expect.objectContaining({
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"requestDigest":"sha256:abc"}',
      }),
    );
    await api.approveMigration('m 1', {
      requestDigest: 'sha256:abc',
      comment: 'fine by us',
    });
    expect(fetch.mock.calls[1][1]?.body).toBe(
      '{"requestDigest":"sha256:abc","comment":"fine by us"}',
    );
  });

  it('rejects with the comment, and surfaces a 409 in the server’s words', async () => {
    const ok = client(
      reply(
        200,
        '{"migration":{"id":"m1","status":"rejected"}}',
        'application/json',
      ),
    );
    await expect(
      ok.api.rejectMigration('m1', {
        comment: 'not during the freeze',
        requestDigest: 'sha256:abc',
      }),
    ).resolves.toEqual({ id: 'm1', status: 'rejected' });
    expect(ok.fetch).toHaveBeenLastCalledWith(
      `${BASE}/migrations/m1/reject`,
      expect.objectContaining({
        method: 'POST',
        body: '{"comment":"not during the freeze","requestDigest":"sha256:abc"}',
      }),
    );

    const conflict = client(
      reply(
        409,
        JSON.stringify({
          error: {
            name: 'ConflictError',
            message: 'the request changed since it was shown',
          },
          response: { statusCode: 409 },
        }),
        'application/json',
      ),
    );
    await expect(
      conflict.api.approveMigration('m1', { requestDigest: 'sha256:old' }),
    ).rejects.toMatchObject({
      statusCode: 409,
      cause: { message: 'the request changed since it was shown' },
    });
  });
});
