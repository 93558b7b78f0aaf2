#!/usr/bin/env node
/**
 * A tiny, deterministic stand-in for a CLI coding agent, for tests and the demo.
 * Configure it as `datasetMigrations.consumers.agent`:
 *   command: node
 *   args: [<path to>/scripted-agent.mjs]
 *
 * It reads the prompt from the file in $DATASET_MIGRATIONS_PROMPT_FILE and looks
 * for the brief that `agentBrief()` in CommandCodingAgent.ts renders, a fenced block
 *
 *   ```json
 *   {"renames": {"old_name": "new_name"}, "files": ["path/relative/to/workdir", ...]}
 *   ```
 *
 * (the last such block wins; other ```json blocks, such as the mapping spec, are
 * ignored). In each listed file it renames whole-word occurrences of each old name,
 * wherever they are: inside Python strings, Jinja macros, anything the SQL
 * rewriter cannot parse. It prints what it did, and the feedback it was given.
 *
 * Misbehaviour, to test the loop around it:
 *   --fail-first-turn  turn 1 makes a wrong edit (old → new_wip); a later turn
 *                      repairs it, but only when its prompt carries feedback.
 *   --hang             prints a line, then never finishes.
 *
 * Exit codes: 0 done, 1 nothing to go on (no brief, no feedback), 2 a bad brief.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

const FEEDBACK_HEADING = '## Feedback from the last turn';
const WRONG_SUFFIX = '_wip';

const flags = new Set(process.argv.slice(2));
const turn = Number(process.env.DATASET_MIGRATIONS_TURN ?? '1');
const say = message => console.log(`scripted agent, turn ${turn}: ${message}`);

if (flags.has('--hang')) {
  say('thinking (forever)');
  setTimeout(() => {}, 2 ** 31 - 1); // the longest timer Node keeps: hangs until killed
} else {
  main();
}

function main() {
  const promptFile = process.env.DATASET_MIGRATIONS_PROMPT_FILE;
  if (!promptFile) fail(1, 'DATASET_MIGRATIONS_PROMPT_FILE is not set');
  const prompt = readFileSync(promptFile, 'utf8');
  const brief = briefOf(prompt);

  const feedbackAt = prompt.indexOf(FEEDBACK_HEADING);
  const feedback =
    feedbackAt < 0
      ? undefined
      : prompt.slice(feedbackAt + FEEDBACK_HEADING.length).trim();
  if (feedback !== undefined) say(`feedback received: ${feedback}`);

  const misbehave = flags.has('--fail-first-turn');
  if (misbehave && turn > 1 && feedback === undefined) {
    fail(1, 'no feedback to go on, so no idea what went wrong');
  }
  const wrongNow = misbehave && turn === 1;

  // One pass over all names, so renames that swap names do not chain.
  const replacements = new Map();
  for (const [from, to] of Object.entries(brief.renames)) {
    replacements.set(from, wrongNow ? `${to}${WRONG_SUFFIX}` : to);
    // A repair turn also fixes what turn 1 got wrong.
    if (misbehave && !wrongNow) replacements.set(`${to}${WRONG_SUFFIX}`, to);
  }
  if (replacements.size === 0) {
    say('nothing to rename');
    return;
  }
  const pattern = wholeWords([...replacements.keys()]);

  for (const file of brief.files) {
    const path = resolve(file);
    const inside = relative(process.cwd(), path);
    if (inside.startsWith('..') || isAbsolute(inside)) {
      fail(2, `${file} is outside the working copy`);
    }
    if (!existsSync(path)) {
      say(`${file}: not found, skipped`);
      continue;
    }
    let count = 0;
    const text = readFileSync(path, 'utf8').replace(pattern, name => {
      count++;
      return replacements.get(name);
    });
    writeFileSync(path, text);
    say(`${file}: ${count} replacement(s)`);
  }
}

/** The last ```json block shaped like {renames: {...}, files: [...]}. */
function briefOf(prompt) {
  const blocks = [...prompt.matchAll(/```json[^\n]*\n([\s\S]*?)\n?```/g)];
  for (const [, body] of blocks.reverse()) {
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch {
      continue;
    }
    const { renames, files } = parsed ?? {};
    if (
      renames &&
      typeof renames === 'object' &&
      !Array.isArray(renames) &&
      Object.values(renames).every(v => typeof v === 'string') &&
      Array.isArray(files) &&
      files.every(f => typeof f === 'string')
    ) {
      return { renames, files };
    }
  }
  return fail(1, 'the prompt has no ```json {"renames": …, "files": …} block');
}

function wholeWords(names) {
  const alternatives = names
    .sort((a, b) => b.length - a.length)
    .map(name => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(
    `(?<![A-Za-z0-9_])(?:${alternatives.join('|')})(?![A-Za-z0-9_])`,
    'g',
  );
}

function fail(code, message) {
  console.error(`scripted agent, turn ${turn}: ${message}`);
  process.exit(code);
}
