import type { MigrationConsumer } from '@dataset-migrations/plugin-dataset-migrations-common';
import { consumerNotice } from './ConsumerPipeline';

const consumer = (
  state: MigrationConsumer['state'],
  extra: Partial<MigrationConsumer> = {},
) =>
  ({
    entityRef: 'component:default/player',
    state,
    ...extra,
  } as MigrationConsumer);

describe('consumerNotice', () => {
  it("tells a consumer's owners of their pull request, a decision they must make, or a failure", () => {
    expect(
      consumerNotice(
        consumer('pr-opened', {
          pullRequest: {
            provider: 'github',
            url: 'https://github.com/acme/player/pull/7',
            number: 7,
            branch: 'dataset-migrations/events-v2',
            state: 'open',
          },
        }),
      ),
    ).toEqual({
      notice: 'pull-request-opened',
      reason: 'https://github.com/acme/player/pull/7',
    });
    expect(
      consumerNotice(
        consumer('failed', {
          failure: {
            kind: 'needs-decision',
            message: 'a.sql:3: reads duration',
          },
        }),
      ),
    ).toEqual({ notice: 'needs-decision', reason: 'a.sql:3: reads duration' });
    expect(
      consumerNotice(
        consumer('failed', {
          failure: { kind: 'verification-failed', message: 'exit 1' },
        }),
      ),
    ).toEqual({ notice: 'failed', reason: 'exit 1' });
  });

  it('says nothing of the states that ask nothing of them', () => {
    for (const state of [
      'patched',
      'verified',
      'merged',
      'done',
      'unaffected',
    ] as const)
      expect(consumerNotice(consumer(state))).toEqual({});
  });
});
