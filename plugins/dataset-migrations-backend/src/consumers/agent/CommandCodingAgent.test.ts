import { existsSync } from 'node:fs';
import {
  chmod,
  copyFile,
  mkdtemp,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  agentBrief,
  CommandCodingAgent,
  type CodingAgentTask,
} from './CommandCodingAgent';
import { readPluginConfig } from '../../config/readPluginConfig';
import { DEFAULT_ISOLATION } from '../sandbox/namespaces';

/** The agent the plugin builds from this config, as it does at startup. */
function agentFromConfig(config: ConfigReader) {
  const settings = readPluginConfig(config).consumers.agent;
  return settings && new CommandCodingAgent(settings);
}

/**
 * The scripted agent, installed outside the backend's own files as a real agent
 * must be: the sandbox hides the backend's package and workspace from the agent.
 */
let SCRIPTED_AGENT: string;
let agentDir: string;
const JOB = 'query = "SELECT user_id, ms_played FROM listening_events"\n';
const FIXED = 'query = "SELECT user_id, duration_ms FROM listening_events"\n';

describe('CommandCodingAgent', () => {
  let workdir: string;

  beforeAll(async () => {
    agentDir = await mkdtemp(join(tmpdir(), 'agent-program-'));
    await chmod(agentDir, 0o755);
    SCRIPTED_AGENT = join(agentDir, 'scripted-agent.mjs');
    await copyFile(join(__dirname, 'scripted-agent.mjs'), SCRIPTED_AGENT);
    await chmod(SCRIPTED_AGENT, 0o644);
  });

  afterAll(async () => {
    await rm(agentDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    // Created 0700 by root; runSandboxed hands it to the sandbox user.
    workdir = await mkdtemp(join(tmpdir(), 'agent-test-'));
    await writeFile(join(workdir, 'job.py'), JOB);
  });

  afterEach(async () => {
    await rm(workdir, { recursive: true, force: true });
  });

  /** A task whose verification reads job.py, the way the pipeline's would. */
  function renameTask(): CodingAgentTask & { verified: number } {
    const task = {
      verified: 0,
      workdir,
      prompt: [
        '# Move this repository to listening_events v2',
        'The mapping spec:',
        '```json',
        JSON.stringify({ ms_played: { kind: 'renamed', to: 'duration_ms' } }),
        '```',
        'Update job.py.',
        agentBrief({ ms_played: 'duration_ms' }, ['job.py']),
      ].join('\n'),
      verify: async () => {
        task.verified++;
        const text = await readFile(join(workdir, 'job.py'), 'utf8');
        return text === FIXED
          ? { ok: true, feedback: '' }
          : { ok: false, feedback: `job.py line 1 reads: ${text.trim()}` };
      },
    };
    return task;
  }

  // `node` from the sandbox's PATH: as nobody, the backend's own node binary may
  // sit somewhere it cannot reach.
  const scripted = (
    args: string[] = [],
    options: { maxTurns?: number; timeoutMs?: number } = {},
  ) =>
    new CommandCodingAgent({
      command: 'node',
      args: [SCRIPTED_AGENT, ...args],
      timeoutMs: options.timeoutMs ?? 20_000,
      maxTurns: options.maxTurns ?? 3,
      memoryMb: 4096,
      isolation: DEFAULT_ISOLATION,
    });

  it('lets the agent edit the working copy until verification passes', async () => {
    const task = renameTask();
    const result = await scripted().run(task);

    expect(result).toMatchObject({ ok: true, turns: 1 });
    expect(result.reason).toBeUndefined();
    expect(task.verified).toBe(1);
    expect(await readFile(join(workdir, 'job.py'), 'utf8')).toBe(FIXED);
    expect(result.transcript).toContain('--- turn 1 of 3: exited with code 0');
    expect(result.transcript).toContain('job.py: 1 replacement(s)');
  });

  it("feeds verification's feedback into the next turn", async () => {
    const task = renameTask();
    const result = await scripted(['--fail-first-turn']).run(task);

    expect(result).toMatchObject({ ok: true, turns: 2 });
    expect(task.verified).toBe(2);
    expect(await readFile(join(workdir, 'job.py'), 'utf8')).toBe(FIXED);
    // The scripted agent repairs only when its prompt carries the feedback, and echoes it.
    const [, turn2] = result.transcript.split('--- turn 2 of 3');
    expect(turn2).toContain(
      'feedback received: job.py line 1 reads: query = "SELECT user_id, duration_ms_wip FROM listening_events"',
    );
  });

  it('writes the prompt, then the prompt with feedback, to a file outside the working copy', async () => {
    const feedbacks = ['first try failed', 'second try failed'];
    const agent = new CommandCodingAgent({
      command: 'sh',
      args: [
        '-c',
        'echo "file: $DATASET_MIGRATIONS_PROMPT_FILE"; echo "turn $DATASET_MIGRATIONS_TURN of $DATASET_MIGRATIONS_MAX_TURNS"; cat "$DATASET_MIGRATIONS_PROMPT_FILE"',
      ],
      timeoutMs: 20_000,
      maxTurns: 3,
      memoryMb: 512,
      isolation: DEFAULT_ISOLATION,
    });
    let turn = 0;
    const result = await agent.run({
      workdir,
      prompt: 'Rename ms_played to duration_ms.',
      verify: async () =>
        turn < 2
          ? { ok: false, feedback: feedbacks[turn++] }
          : { ok: true, feedback: '' },
    });

    expect(result).toMatchObject({ ok: true, turns: 3 });
    const turns = result.transcript.split(/^--- turn \d of 3.*---$/m).slice(1);
    expect(turns).toHaveLength(3);
    expect(turns[0]).toContain('turn 1 of 3\nRename ms_played to duration_ms.');
    expect(turns[0]).not.toContain('Feedback');
    expect(turns[1]).toContain(
      'turn 2 of 3\nRename ms_played to duration_ms.\n\n## Feedback from the last turn\nfirst try failed\n',
    );
    expect(turns[2]).toContain(
      '## Feedback from the last turn\nsecond try failed\n',
    );
    const files = turns.map(t => /^file: (.*)$/m.exec(t)![1]);
    for (const file of files) {
      expect(file.startsWith(workdir)).toBe(false);
      expect(existsSync(file)).toBe(false); // removed afterwards
    }
  });

  it('gives up when its turns run out', async () => {
    const task = renameTask();
    const result = await scripted(['--fail-first-turn'], { maxTurns: 1 }).run(
      task,
    );

    expect(result).toMatchObject({ ok: false, turns: 1 });
    expect(result.reason).toMatch(/after 1 turn \(its limit\)/);
    expect(result.reason).toContain('job.py line 1 reads');
  });

  it('stops an agent at its time limit, promptly', async () => {
    const task = renameTask();
    const started = Date.now();
    const result = await scripted(['--hang'], { timeoutMs: 1000 }).run(task);

    expect(result).toMatchObject({ ok: false, turns: 1 });
    expect(result.reason).toMatch(
      /did not finish turn 1 within its time limit of 1 s/,
    );
    expect(result.reason).toContain('thinking (forever)');
    expect(task.verified).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops when the agent fails, with the end of its output', async () => {
    const task = renameTask();
    const agent = new CommandCodingAgent({
      command: 'sh',
      args: ['-c', 'echo "cannot reach the model" >&2; exit 4'],
      timeoutMs: 20_000,
      maxTurns: 3,
      memoryMb: 512,
      isolation: DEFAULT_ISOLATION,
    });
    const result = await agent.run(task);

    expect(result).toMatchObject({ ok: false, turns: 1 });
    expect(result.reason).toMatch(/exited with code 4 on turn 1/);
    expect(result.reason).toContain('cannot reach the model');
    expect(task.verified).toBe(0);
  });

  it('renders the brief the scripted agent reads', () => {
    const brief = agentBrief({ ms_played: 'duration_ms' }, ['models/a.sql']);

    expect(brief.startsWith('```json\n')).toBe(true);
    expect(brief.endsWith('\n```\n')).toBe(true);
    expect(
      JSON.parse(brief.slice('```json\n'.length, -'```\n'.length)),
    ).toEqual({
      renames: { ms_played: 'duration_ms' },
      files: ['models/a.sql'],
    });
  });

  describe('from config', () => {
    it('is undefined without a command', () => {
      expect(agentFromConfig(new ConfigReader({}))).toBeUndefined();
      expect(
        agentFromConfig(
          new ConfigReader({
            datasetMigrations: { consumers: { agent: { maxTurns: 2 } } },
          }),
        ),
      ).toBeUndefined();
    });

    it('reads the command, its args, turns, memory and time limit', async () => {
      const agent = agentFromConfig(
        new ConfigReader({
          datasetMigrations: {
            consumers: {
              agent: {
                command: 'sh',
                args: [
                  '-c',
                  'echo "turn $DATASET_MIGRATIONS_TURN of $DATASET_MIGRATIONS_MAX_TURNS, $(ulimit -v) KiB"',
                ],
                maxTurns: 2,
                memoryMb: 300,
                timeout: '30s',
              },
            },
          },
        }),
      );
      const result = await agent!.run({
        workdir,
        prompt: 'anything',
        verify: async () => ({ ok: false, feedback: 'not yet' }),
      });

      expect(result).toMatchObject({ ok: false, turns: 2 });
      expect(result.transcript).toContain('turn 2 of 2, 307200 KiB');
    });

    it('reads the time limit as a duration', async () => {
      const agent = agentFromConfig(
        new ConfigReader({
          datasetMigrations: {
            consumers: {
              agent: { command: 'sleep', args: ['30'], timeout: '1s' },
            },
          },
        }),
      );
      const result = await agent!.run(renameTask());

      expect(result.reason).toMatch(/time limit of 1 s/);
    });

    it('rejects limits that are not positive', () => {
      expect(() =>
        agentFromConfig(
          new ConfigReader({
            datasetMigrations: {
              consumers: { agent: { command: 'my-agent', maxTurns: 0 } },
            },
          }),
        ),
      ).toThrow(/maxTurns/);
    });
  });
});
