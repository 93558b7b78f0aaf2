import type { Config } from '@backstage/config';
import { isAbsolute } from 'node:path';
import type { SandboxIsolation } from '../consumers/sandbox/namespaces';
import type { PullRequestRepositories } from '../consumers/repositories/registeredRepository';
import {
  invalidSetting,
  readDurationAtLeast,
  readIntegerAtLeast,
} from './checkedSettings';
import {
  DEFAULT_QUEUE_LIMIT,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_WAIT_MS,
} from '../consumers/rewriteWorkers';

/** `datasetMigrations.consumers.agent`: a CLI coding agent, when a command is set. */
export interface AgentSettings {
  command: string;
  args?: string[];
  /** Time limit of one turn. */
  timeoutMs: number;
  maxTurns: number;
  /** Address-space limit of the agent and each process it starts. */
  memoryMb: number;
  /** The sandbox's, with the agent's own `network`. */
  isolation: SandboxIsolation;
}

/**
 * What makes a migration wait for an approval: a breaking change, a requester
 * without the start permission on the dataset, or every migration.
 */
export const APPROVAL_REQUIREMENTS = [
  'breaking',
  'requester-may-not-start',
  'always',
] as const;

export type ApprovalRequirement = (typeof APPROVAL_REQUIREMENTS)[number];

/**
 * The plugin's settings under `datasetMigrations` (see config.d.ts), read and
 * checked once at startup; engines read their own blocks.
 */
export interface PluginConfig {
  worker: {
    enabled: boolean;
    concurrency: number;
    /** Postgres schema of graphile-worker's tables. */
    schema: string;
    /** How long a run stays its worker's without a heartbeat. */
    leaseMs: number;
    /** Connections graphile-worker's pool may hold. */
    poolSize: number;
  };
  contract: {
    /** How long a previous version is kept after its migration succeeded. */
    retentionMs: number;
  };
  consumers: {
    maxDepth: number;
    followUpIntervalMs: number;
    /** A pull request open this long reminds its consumer's owners, once. */
    pullRequestReminderAfterMs: number;
    verify: {
      commands: boolean;
      timeoutMs: number;
      memoryMb: number;
      /** The sandbox's, with the verify commands' own `network`. */
      isolation: SandboxIsolation;
    };
    /** Directories local git repositories may be in; none: local git is off. */
    localGitRoots: string[];
    pullRequestRepositories: PullRequestRepositories;
    shadowCheck: { timeoutMs: number };
    /** Each consumer job's reading of its code: on a worker thread, within these. */
    assessment: { timeoutMs: number; memoryMb: number };
    /** How many rewrite previews may wait for a worker, for how long, and how long one runs. */
    rewritePreview: { queueLimit: number; waitMs: number; timeoutMs: number };
    /** Undefined when no agent command is configured. */
    agent?: AgentSettings;
  };
  approvals: {
    /** Empty: no migration waits; a requester who may not start one is refused. */
    required: ApprovalRequirement[];
  };
  /** False: the SQL parser stays on V8's baseline code (see config.d.ts). */
  sqlParser: { optimize: boolean };
}

const ROOT = 'datasetMigrations';

/** Reads `datasetMigrations`; a value of the wrong type or range fails naming its key. */
export function readPluginConfig(config: Config): PluginConfig {
  const concurrency = positiveInteger(config, 'worker.concurrency', 4);
  return {
    worker: {
      enabled: config.getOptionalBoolean(`${ROOT}.worker.enabled`) ?? true,
      concurrency,
      schema:
        config.getOptionalString(`${ROOT}.worker.schema`) ??
        'dataset_migrations_worker',
      leaseMs: positiveDuration(config, 'worker.lease', 30_000),
      // Each job slot fetches and completes its job through the pool, and the LISTEN
      // for new jobs holds one more: three per slot leaves room (12 at concurrency 4).
      poolSize: positiveInteger(config, 'worker.poolSize', 3 * concurrency),
    },
    contract: {
      // Zero is allowed: a demo may contract as soon as the consumers have moved.
      retentionMs: readDurationAtLeast(
        config,
        '',
        `${ROOT}.contract.retention`,
        7 * 86_400_000,
        0,
      ),
    },
    consumers: {
      maxDepth: integerAtLeast(config, 'consumers.maxDepth', 3, 0),
      followUpIntervalMs: positiveDuration(
        config,
        'consumers.followUpInterval',
        300_000,
      ),
      pullRequestReminderAfterMs: positiveDuration(
        config,
        'consumers.pullRequestReminderAfter',
        7 * 24 * 3_600_000,
      ),
      verify: {
        commands:
          config.getOptionalBoolean(`${ROOT}.consumers.verify.commands`) ??
          false,
        timeoutMs: positiveDuration(
          config,
          'consumers.verify.timeout',
          300_000,
        ),
        memoryMb: positiveInteger(config, 'consumers.verify.memoryMb', 4096),
        isolation: readIsolation(config, 'verify'),
      },
      localGitRoots:
        config.getOptionalStringArray(`${ROOT}.consumers.localGit.roots`) ?? [],
      pullRequestRepositories: readPullRequestRepositories(config),
      shadowCheck: {
        timeoutMs: positiveDuration(
          config,
          'consumers.shadowCheck.timeout',
          60_000,
        ),
      },
      assessment: {
        timeoutMs: timerDuration(
          config,
          'consumers.assessment.timeout',
          300_000,
        ),
        memoryMb: integerAtLeast(
          config,
          'consumers.assessment.memoryMb',
          2048,
          // Below this a worker cannot load the SQL parser.
          128,
        ),
      },
      rewritePreview: {
        queueLimit: integerAtLeast(
          config,
          'consumers.rewritePreview.queue',
          DEFAULT_QUEUE_LIMIT,
          // 0 would refuse every preview: the pool counts one waiting before a worker takes it.
          1,
        ),
        waitMs: timerDuration(
          config,
          'consumers.rewritePreview.wait',
          DEFAULT_WAIT_MS,
        ),
        timeoutMs: timerDuration(
          config,
          'consumers.rewritePreview.timeout',
          DEFAULT_TIMEOUT_MS,
        ),
      },
      agent: readAgent(config),
    },
    approvals: { required: readApprovalRequirements(config) },
    sqlParser: {
      optimize:
        config.getOptionalBoolean(`${ROOT}.sqlParser.optimize`) ?? false,
    },
  };
}

function readPullRequestRepositories(config: Config): PullRequestRepositories {
  const key = 'consumers.pullRequestRepositories';
  const value = config.getOptionalString(`${ROOT}.${key}`) ?? 'registered';
  if (value !== 'registered' && value !== 'any')
    throw invalid(key, "must be 'registered' or 'any'", value);
  return value;
}

function readApprovalRequirements(config: Config): ApprovalRequirement[] {
  const key = 'approvals.required';
  let values: string[] | undefined;
  try {
    values = config.getOptionalStringArray(`${ROOT}.${key}`);
  } catch {
    throw invalid(
      key,
      'must be a list',
      JSON.stringify(config.getOptional(`${ROOT}.${key}`)),
    );
  }
  if (!values) return ['breaking', 'requester-may-not-start'];
  const unknown = values.filter(
    v => !(APPROVAL_REQUIREMENTS as readonly string[]).includes(v),
  );
  if (unknown.length > 0) {
    throw invalid(
      key,
      `must list only ${APPROVAL_REQUIREMENTS.map(r => `'${r}'`).join(', ')}`,
      JSON.stringify(unknown),
    );
  }
  return [...new Set(values)] as ApprovalRequirement[];
}

function readAgent(config: Config): AgentSettings | undefined {
  const command = config.getOptionalString(`${ROOT}.consumers.agent.command`);
  if (!command) return undefined;
  return {
    command,
    args: config.getOptionalStringArray(`${ROOT}.consumers.agent.args`),
    timeoutMs: positiveDuration(config, 'consumers.agent.timeout', 600_000),
    maxTurns: positiveInteger(config, 'consumers.agent.maxTurns', 3),
    memoryMb: positiveInteger(config, 'consumers.agent.memoryMb', 4096),
    isolation: readIsolation(config, 'agent'),
  };
}

/** `consumers.sandbox`, shared, and the network setting of `consumers.<user>`. */
function readIsolation(
  config: Config,
  user: 'verify' | 'agent',
): SandboxIsolation {
  const [readOnlyPaths, hiddenPaths] = [
    'consumers.sandbox.readOnlyPaths',
    'consumers.sandbox.hiddenPaths',
  ].map(key => {
    const paths = config.getOptionalStringArray(`${ROOT}.${key}`) ?? [];
    const relative = paths.filter(p => !isAbsolute(p) || /\n/.test(p));
    if (relative.length > 0) {
      throw invalid(
        key,
        'must list absolute paths (on one line each)',
        JSON.stringify(relative),
      );
    }
    return paths;
  });
  return {
    namespaces:
      config.getOptionalBoolean(`${ROOT}.consumers.sandbox.namespaces`) ?? true,
    network:
      config.getOptionalBoolean(`${ROOT}.consumers.${user}.network`) ?? false,
    readOnlyPaths,
    hiddenPaths,
  };
}

function positiveDuration(
  config: Config,
  key: string,
  defaultMs: number,
): number {
  return readDurationAtLeast(
    config,
    '',
    `${ROOT}.${key}`,
    defaultMs,
    'positive',
  );
}

/** The longest delay a Node timer keeps: past it, one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A positive duration a timer waits, so at most MAX_TIMER_MS. */
function timerDuration(config: Config, key: string, defaultMs: number): number {
  const ms = positiveDuration(config, key, defaultMs);
  if (ms > MAX_TIMER_MS)
    throw invalid(
      key,
      'must be at most 24 days (the longest a Node timer waits)',
      `${ms} ms`,
    );
  return ms;
}

function positiveInteger(config: Config, key: string, fallback: number) {
  return integerAtLeast(config, key, fallback, 1);
}

function integerAtLeast(
  config: Config,
  key: string,
  fallback: number,
  min: number,
): number {
  return readIntegerAtLeast(config, '', `${ROOT}.${key}`, fallback, min);
}

function invalid(key: string, rule: string, value: number | string): Error {
  return invalidSetting(ROOT, key, rule, value);
}
