import { ConfigReader } from '@backstage/config';
import { readPluginConfig } from './readPluginConfig';

const read = (datasetMigrations: object) =>
  readPluginConfig(new ConfigReader({ datasetMigrations }));

describe('readPluginConfig', () => {
  it('has a default for every setting', () => {
    expect(readPluginConfig(new ConfigReader({}))).toEqual({
      worker: {
        enabled: true,
        concurrency: 4,
        schema: 'dataset_migrations_worker',
        leaseMs: 30_000,
        poolSize: 12,
      },
      contract: { retentionMs: 7 * 86_400_000 },
      consumers: {
        maxDepth: 3,
        followUpIntervalMs: 300_000,
        // Off unless a platform team turns them on: catalog annotations drive both.
        verify: {
          commands: false,
          timeoutMs: 300_000,
          memoryMb: 4096,
          // Commands run in namespaces of their own, without network.
          isolation: {
            namespaces: true,
            network: false,
            readOnlyPaths: [],
            hiddenPaths: [],
          },
        },
        localGitRoots: [],
        pullRequestRepositories: 'registered',
        pullRequestReminderAfterMs: 7 * 86_400_000,
        shadowCheck: { timeoutMs: 60_000 },
        assessment: { timeoutMs: 300_000, memoryMb: 2048 },
        rewritePreview: { queueLimit: 16, waitMs: 30_000, timeoutMs: 60_000 },
        agent: undefined,
      },
      approvals: { required: ['breaking', 'requester-may-not-start'] },
      // The parser's optimised code would cost ~450 MB while V8 compiles it.
      sqlParser: { optimize: false },
    });
  });

  it('lets V8 optimise the SQL parser when asked, and names the key of a wrong value', () => {
    expect(read({ sqlParser: { optimize: true } }).sqlParser).toEqual({
      optimize: true,
    });
    expect(() => read({ sqlParser: { optimize: 'sometimes' } })).toThrow(
      /datasetMigrations\.sqlParser\.optimize/,
    );
  });

  it('reads which migrations need an approval, none when the list is empty', () => {
    expect(read({ approvals: { required: ['always'] } }).approvals).toEqual({
      required: ['always'],
    });
    expect(read({ approvals: { required: [] } }).approvals).toEqual({
      required: [],
    });
  });

  it('stops startup on an unknown approval requirement, naming its key', () => {
    expect(() =>
      read({ approvals: { required: ['breaking', 'sometimes'] } }),
    ).toThrow(
      /datasetMigrations\.approvals\.required must list only 'breaking', 'requester-may-not-start', 'always', got \["sometimes"\]/,
    );
    expect(() => read({ approvals: { required: 'breaking' } })).toThrow(
      /datasetMigrations\.approvals\.required must be a list/,
    );
  });

  it("reads durations in Backstage's forms and sizes the pool from the concurrency", () => {
    const config = read({
      worker: { concurrency: 10, lease: '5s' },
      contract: { retention: { hours: 0 } },
      consumers: {
        followUpInterval: 'PT1M',
        pullRequestReminderAfter: { days: 3 },
        verify: { timeout: { minutes: 2 } },
        shadowCheck: { timeout: '1.5s' },
        agent: { command: 'my-agent', args: ['--yes'], timeout: '10 minutes' },
      },
    });

    expect(config.worker).toMatchObject({ leaseMs: 5000, poolSize: 30 });
    expect(config.contract.retentionMs).toBe(0);
    expect(config.consumers).toMatchObject({
      followUpIntervalMs: 60_000,
      pullRequestReminderAfterMs: 3 * 86_400_000,
      verify: { timeoutMs: 120_000 },
      shadowCheck: { timeoutMs: 1500 },
      agent: {
        command: 'my-agent',
        args: ['--yes'],
        timeoutMs: 600_000,
        maxTurns: 3,
        memoryMb: 4096,
      },
    });
    expect(read({ worker: { poolSize: 5 } }).worker.poolSize).toBe(5);
  });

  it('fails naming the key of an invalid value', () => {
    expect(() => read({ worker: { lease: 30 } })).toThrow(
      /datasetMigrations\.worker\.lease/,
    );
    expect(() => read({ worker: { lease: '0s' } })).toThrow(
      /datasetMigrations\.worker\.lease must be a positive duration/,
    );
    expect(() => read({ worker: { concurrency: 0 } })).toThrow(
      /datasetMigrations\.worker\.concurrency/,
    );
    expect(() => read({ worker: { poolSize: 2.5 } })).toThrow(
      /datasetMigrations\.worker\.poolSize/,
    );
    expect(() => read({ consumers: { assessment: { memoryMb: 64 } } })).toThrow(
      /datasetMigrations\.consumers\.assessment\.memoryMb must be an integer of at least 128, got 64/,
    );
    expect(() =>
      read({ consumers: { assessment: { timeout: 'forever' } } }),
    ).toThrow(/datasetMigrations\.consumers\.assessment\.timeout/);
    // Node would fire a longer timer at once, stopping every assessment.
    expect(() =>
      read({ consumers: { assessment: { timeout: { days: 30 } } } }),
    ).toThrow(
      /datasetMigrations\.consumers\.assessment\.timeout must be at most 24 days/,
    );
    expect(
      read({ consumers: { assessment: { timeout: { days: 24 } } } }).consumers
        .assessment.timeoutMs,
    ).toBe(24 * 86_400_000);
    expect(() => read({ consumers: { rewritePreview: { queue: 0 } } })).toThrow(
      /datasetMigrations\.consumers\.rewritePreview\.queue must be an integer of at least 1, got 0/,
    );
    expect(() => read({ contract: { retention: 'a week' } })).toThrow(
      /datasetMigrations\.contract\.retention/,
    );
    expect(() => read({ consumers: { followUpInterval: '5' } })).toThrow(
      /datasetMigrations\.consumers\.followUpInterval/,
    );
    expect(() =>
      read({ consumers: { agent: { command: 'a', timeout: 'soon' } } }),
    ).toThrow(/datasetMigrations\.consumers\.agent\.timeout/);
    expect(() =>
      read({ consumers: { pullRequestRepositories: 'source-location' } }),
    ).toThrow(
      /datasetMigrations\.consumers\.pullRequestRepositories must be 'registered' or 'any', got source-location/,
    );
    expect(
      read({ consumers: { pullRequestRepositories: 'any' } }).consumers
        .pullRequestRepositories,
    ).toBe('any');
  });

  it('reads the sandbox shared by verify commands and the agent, each with its own network', () => {
    const { verify, agent } = read({
      consumers: {
        sandbox: {
          namespaces: false,
          readOnlyPaths: ['/opt/dbt'],
          hiddenPaths: ['/opt/dbt/profiles'],
        },
        agent: { command: 'my-agent', network: true },
      },
    }).consumers;

    expect(verify.isolation).toEqual({
      namespaces: false,
      network: false,
      readOnlyPaths: ['/opt/dbt'],
      hiddenPaths: ['/opt/dbt/profiles'],
    });
    expect(agent?.isolation).toEqual({
      namespaces: false,
      network: true,
      readOnlyPaths: ['/opt/dbt'],
      hiddenPaths: ['/opt/dbt/profiles'],
    });
    expect(() =>
      read({
        consumers: { sandbox: { readOnlyPaths: ['/opt', 'tools/dbt'] } },
      }),
    ).toThrow(
      /datasetMigrations\.consumers\.sandbox\.readOnlyPaths must list absolute paths \(on one line each\), got \["tools\/dbt"\]/,
    );
    expect(() =>
      read({ consumers: { sandbox: { hiddenPaths: ['secrets'] } } }),
    ).toThrow(
      /datasetMigrations\.consumers\.sandbox\.hiddenPaths must list absolute paths \(on one line each\), got \["secrets"\]/,
    );
  });

  it('has no agent without a command', () => {
    expect(
      read({ consumers: { agent: { maxTurns: 2 } } }).consumers.agent,
    ).toBe(undefined);
  });
});
