import { DatasetMigrationsClient } from './DatasetMigrationsClient';

const BASE = 'http://backend/api/dataset-migrations';

function client(status: number, body: unknown) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => ({
    ok: status < 400,
    status,
    statusText: status < 400 ? 'OK' : 'Bad Request',
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

const document = `name: drop-legacy-country
title: Drop legacy country
`;

describe('DatasetMigrationsClient campaigns', () => {
  it('plans and creates from the document as typed, sent as YAML', async () => {
    const plan = { waves: [], skipped: [], byOwner: [], totals: {} };
    const planned = client(200, { plan });
    await expect(planned.api.planCampaign(document)).resolves.toEqual(plan);
    expect(planned.fetch).toHaveBeenCalledWith(`${BASE}/campaigns/plan`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/yaml' },
      body: document,
    });

    const created = client(201, { campaign: { id: 'c1', state: 'draft' } });
    await expect(created.api.createCampaign(document)).resolves.toEqual({
      id: 'c1',
      state: 'draft',
    });
    expect(created.fetch).toHaveBeenCalledWith(`${BASE}/campaigns`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/yaml' },
      body: document,
    });
  });

  it('lists and reads campaigns, escaping the id', async () => {
    const list = client(200, { items: [{ id: 'c1' }] });
    await expect(list.api.listCampaigns()).resolves.toEqual([{ id: 'c1' }]);
    expect(list.fetch).toHaveBeenCalledWith(
      `${BASE}/campaigns`,
      expect.objectContaining({ method: 'GET', body: undefined }),
    );

    const one = client(200, { campaign: { id: 'c 1' } });
    await expect(one.api.getCampaign('c 1')).resolves.toEqual({ id: 'c 1' });
    expect(one.fetch.mock.calls[0][0]).toBe(`${BASE}/campaigns/c%201`);
  });

  it('starts and resumes without a body; pauses and aborts with the reason', async () => {
    const { api, fetch } = client(200, { campaign: { id: 'c1' } });
    await api.startCampaign('c1');
    await api.pauseCampaign('c1', 'billing freeze');
    await api.resumeCampaign('c1');
    await api.abortCampaign('c1', 'superseded');
    expect(
      fetch.mock.calls.map(([url, init]) => [url, init?.method, init?.body]),
    ).toEqual([
      [`${BASE}/campaigns/c1/start`, 'POST', undefined],
      [`${BASE}/campaigns/c1/pause`, 'POST', '{"reason":"billing freeze"}'],
      [`${BASE}/campaigns/c1/resume`, 'POST', undefined],
      [`${BASE}/campaigns/c1/abort`, 'POST', '{"reason":"superseded"}'],
    ]);
    expect(fetch.mock.calls[1][1]?.headers).toEqual({
      'Content-Type': 'application/json',
    });
  });

  it('surfaces a refusal in the server’s words', async () => {
    const { api } = client(409, {
      error: {
        name: 'ConflictError',
        message: 'resource:default/orders is in campaign q1-cleanup',
      },
      response: { statusCode: 409 },
    });
    await expect(api.createCampaign(document)).rejects.toMatchObject({
      statusCode: 409,
      cause: { message: 'resource:default/orders is in campaign q1-cleanup' },
    });
  });
});
