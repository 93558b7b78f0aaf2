import type { MigrationContext } from '../steps/stepContext';
import { relationText } from '../sql/rewriteSql';
import { agentBrief } from './CommandCodingAgent';

/** What the coding agent is asked to do for the files the rewriter left to it. */
export function agentPrompt(options: {
  context: MigrationContext;
  /** Files the agent takes over. */
  paths: string[];
  /** Fields the consumer reads that the migration drops or recomputes, by file. */
  decisionProblems: string;
  /** The owner's check, which must pass afterwards. */
  command?: string;
}): string {
  const { context, paths, decisionProblems, command } = options;
  const renames = Object.fromEntries(
    [...context.mapping.byField.entries()]
      .filter(([, m]) => m.kind === 'renamed' || m.kind === 'retyped')
      .map(([from, m]) => [from, (m as { to: string }).to]),
  );
  return [
    `# Move this repository to ${context.migration.entityRef} schema version ${context.migration.targetVersion}`,
    'The dataset was migrated under this mapping spec:',
    '```json',
    JSON.stringify(context.migration.changes, null, 2),
    '```',
    ...(context.mapping.renamedTo
      ? [
          `The dataset is also renamed: ${
            context.plan.table
          } is now ${relationText(
            context.mapping.renamedTo,
          )}; read it under the new name.`,
        ]
      : []),
    'SQL files were rewritten already. These files name the dataset in code the SQL rewriter cannot parse, or read a field the migration drops or recomputes; update how they read it:',
    ...paths.map(p => `- ${p}`),
    decisionProblems
      ? `A person handed these reads to you; the new version no longer has what they read: ${decisionProblems}`
      : '',
    command ? `When you are done, \`${command}\` must pass.` : '',
    agentBrief(renames, paths),
  ].join('\n');
}
