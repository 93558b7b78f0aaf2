import type { z } from 'zod';
import { InputError } from '@backstage/errors';
import { describeIssues } from '@dataset-migrations/plugin-dataset-migrations-common';

/** Validates request input; a 400 names every problem, e.g. `Invalid query: limit: …`. */
export function parseInput<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(
      `Invalid ${what}: ${describeIssues(result.error).join('; ')}`,
    );
  }
  return result.data;
}
