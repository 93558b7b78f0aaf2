import express from 'express';
import request from 'supertest';
import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import type { ConsumerService } from '../services/ConsumerService';
import type { ConsumerPullRequests } from '../services/ConsumerPullRequests';
import type { MigrationService } from '../services/MigrationService';
import { RequestGuard } from './RequestGuard';
import { createRouter } from './router';

const ID = '6f0a1f3e-5b7c-4d7e-9a51-2a7f0d6b9c11';

/** The routes' own part: how an operation's answer becomes a status code. */
describe('router', () => {
  function appWith(finished: boolean) {
    const migration = {
      id: ID,
      status: 'succeeded',
      entityRef: 'resource:default/events',
    };
    const answer = jest.fn(async () => ({ migration, finished }));
    const service = {
      findMigration: async () => migration,
      rollbackMigration: answer,
      contractMigration: answer,
    } as unknown as MigrationService;
    const app = express().use(
      createRouter({
        service,
        consumers: {} as ConsumerService,
        pullRequests: {} as ConsumerPullRequests,
        httpAuth: mockServices.httpAuth(),
        guard: new RequestGuard({
          permissions: mockServices.permissions(),
          auditor: mockServices.auditor.mock(),
          toMigrationFilter: () => {
            throw new Error('no list here');
          },
        }),
      }),
    );
    app.use(mockErrorHandler());
    return { app, migration };
  }

  it.each(['rollback', 'contract'])(
    'answers a %s its job finished within the wait with 200, one still under way with 202, the migration either way',
    async operation => {
      for (const [finished, status] of [
        [true, 200],
        [false, 202],
      ] as const) {
        const { app, migration } = appWith(finished);
        const response = await request(app)
          .post(`/migrations/${ID}/${operation}`)
          .send({});
        expect(response.status).toBe(status);
        expect(response.body).toEqual({ migration });
      }
    },
  );
});
