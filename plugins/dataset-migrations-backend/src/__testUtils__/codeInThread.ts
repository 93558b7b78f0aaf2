import { assessConsumer } from '../consumers/impact';
import { movedOffPrevious } from '../consumers/movedOffPrevious';
import { parseProblem } from '../consumers/sql/rewriteSql';
import type { ConsumerCode } from '../consumers/steps/stepContext';
import { planShadowChecks } from '../consumers/verification/shadowPlan';

/**
 * The steps' reading of consumer code in this thread, for tests of the steps:
 * the plugin's worker pool and its budget are rewriteWorkers.test.ts's concern.
 */
export const codeInThread: ConsumerCode = {
  assessment: async (...args) => assessConsumer(...args),
  shadowPlan: async input => planShadowChecks(input),
  movedOffPrevious: async (...args) => movedOffPrevious(...args),
  parseProblem: async (files, target) => parseProblem(files, target),
};
