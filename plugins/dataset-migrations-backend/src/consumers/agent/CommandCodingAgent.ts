import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import type { AgentSettings } from '../../config/readPluginConfig';
import { runSandboxed, type SandboxResult } from '../sandbox/runSandboxed';

export interface CodingAgentTask {
  /** An isolated working copy; the agent edits files here. */
  workdir: string;
  /** Generated: the mapping spec, the impacted files, the verification command. */
  prompt: string;
  /** Checks the agent's work after each turn; feedback goes into the next turn's prompt. */
  verify(): Promise<{ ok: boolean; feedback: string }>;
}

export interface CodingAgentResult {
  ok: boolean;
  turns: number;
  /** The end of the agent's output, turn by turn. */
  transcript: string;
  /** Why it did not succeed. */
  reason?: string;
}

/** Takes over code the built-in rewriter cannot handle. */
export interface CodingAgent {
  run(task: CodingAgentTask): Promise<CodingAgentResult>;
}

/** The settings under `datasetMigrations.consumers.agent`, and what config cannot give. */
export interface CommandCodingAgentOptions extends AgentSettings {
  /**
   * Variables to pass the agent; it gets nothing else of the backend's
   * environment. Not read from config yet, so an agent needing an API key must
   * find it another way.
   */
  env?: Record<string, string>;
}

/** Output kept per turn in the transcript, and quoted in a reason. */
const TURN_OUTPUT_BYTES = 16 * 1024;
const REASON_OUTPUT_CHARS = 2000;

/**
 * Any CLI coding agent, configured as a command. Each turn runs it through
 * `runSandboxed` in the working copy, with the prompt in a file named by
 * `DATASET_MIGRATIONS_PROMPT_FILE` (and `DATASET_MIGRATIONS_TURN`,
 * `DATASET_MIGRATIONS_MAX_TURNS`). After each turn the work is verified; what
 * failed becomes the next turn's feedback. At most maxTurns × timeoutMs in all.
 */
export class CommandCodingAgent implements CodingAgent {
  constructor(private readonly options: CommandCodingAgentOptions) {
    if (!Number.isInteger(options.maxTurns) || options.maxTurns < 1) {
      throw new Error(
        `A coding agent needs at least one turn (maxTurns ${options.maxTurns})`,
      );
    }
  }

  async run(task: CodingAgentTask): Promise<CodingAgentResult> {
    const { maxTurns } = this.options;
    // Outside the working copy, so the prompt never ends up in the patch.
    const promptDir = await mkdtemp(
      join(tmpdir(), 'dataset-migrations-agent-'),
    );
    const transcript: string[] = [];
    const result = (
      ok: boolean,
      turns: number,
      reason?: string,
    ): CodingAgentResult => ({
      ok,
      turns,
      transcript: transcript.join('\n'),
      ...(reason ? { reason } : {}),
    });
    try {
      // The sandbox user (nobody, when the backend is root) must read the prompt,
      // but not list the other turns' files or write them.
      await chmod(promptDir, 0o711);
      let feedback: string | undefined;
      for (let turn = 1; turn <= maxTurns; turn++) {
        const promptFile = join(promptDir, `prompt-turn-${turn}.md`);
        await writeFile(promptFile, promptOf(task.prompt, feedback), {
          mode: 0o644,
        });
        const run = await this.runTurn(task.workdir, promptFile, turn);
        transcript.push(
          `--- turn ${turn} of ${maxTurns}: ${outcomeOf(run)} ---\n${
            run.outputTail
          }`,
        );
        const failure = this.failureOf(run, turn);
        if (failure) return result(false, turn, failure);

        const verdict = await task.verify();
        if (verdict.ok) return result(true, turn);
        feedback = verdict.feedback;
      }
      return result(
        false,
        maxTurns,
        `the agent's work still failed verification after ${maxTurns} turn${
          maxTurns === 1 ? '' : 's'
        } (its limit): ${feedback}`,
      );
    } finally {
      await rm(promptDir, { recursive: true, force: true });
    }
  }

  private runTurn(
    workdir: string,
    promptFile: string,
    turn: number,
  ): Promise<SandboxResult> {
    const {
      command,
      args = [],
      timeoutMs,
      memoryMb,
      maxTurns,
      isolation,
    } = this.options;
    return runSandboxed({
      command: [command, ...args].map(shellQuote).join(' '),
      cwd: workdir,
      timeoutMs,
      memoryMb,
      maxOutputBytes: TURN_OUTPUT_BYTES,
      isolation: {
        ...isolation,
        // The agent's program and the files its config names, and the prompt.
        readOnlyPaths: [
          ...isolation.readOnlyPaths,
          ...[command, ...args].filter(a => isAbsolute(a)),
          dirname(promptFile),
        ],
      },
      env: {
        ...this.options.env,
        DATASET_MIGRATIONS_PROMPT_FILE: promptFile,
        DATASET_MIGRATIONS_TURN: String(turn),
        DATASET_MIGRATIONS_MAX_TURNS: String(maxTurns),
      },
    });
  }

  private failureOf(run: SandboxResult, turn: number): string | undefined {
    const output = `; the end of its output:\n${
      run.outputTail.slice(-REASON_OUTPUT_CHARS) || '(none)'
    }`;
    if (run.timedOut) {
      return `the agent did not finish turn ${turn} within its time limit of ${seconds(
        this.options.timeoutMs,
      )}${output}`;
    }
    if (run.exitCode !== 0) {
      const memory = run.memoryExceeded
        ? ` (it seems to have run out of its ${this.options.memoryMb} MB of memory)`
        : '';
      return `the agent ${outcomeOf(run)} on turn ${turn}${memory}${output}`;
    }
    return undefined;
  }
}

/**
 * The machine-readable part of a prompt: the renames to apply and the files that
 * need them. Prompt generators include it; `scripted-agent.mjs` reads exactly this.
 */
export function agentBrief(
  renames: Record<string, string>,
  files: string[],
): string {
  return `\`\`\`json\n${JSON.stringify({ renames, files }, null, 2)}\n\`\`\`\n`;
}

function promptOf(prompt: string, feedback: string | undefined): string {
  if (feedback === undefined) return prompt;
  return `${prompt.replace(
    /\n*$/,
    '\n\n',
  )}## Feedback from the last turn\n${feedback}\n`;
}

function outcomeOf(run: SandboxResult): string {
  if (run.timedOut) return `timed out after ${seconds(run.durationMs)}`;
  if (run.exitCode === null) return `was killed by ${run.signal ?? 'a signal'}`;
  return `exited with code ${run.exitCode}`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word)
    ? word
    : `'${word.replace(/'/g, `'\\''`)}'`;
}
