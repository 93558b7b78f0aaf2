import { z } from 'zod';
import type { FieldChange } from './schemas';
import { FIELD_TYPES, isFieldType } from './fieldTypes';
import type { DatasetField } from './types';
import { entityRefSchema, withoutNul } from './inputText';

/**
 * The most fields `POST /plans/infer` takes: inference samples the dataset for
 * fields it cannot match by name, so its cost grows with their number.
 *
 * @public
 */
export const MAX_TARGET_FIELDS = 500;

/**
 * The schema a user wants; examples help tell apart fields that look alike.
 *
 * @public
 */
export const targetSchemaSchema = z
  .object({
    entityRef: entityRefSchema,
    fields: z
      .array(
        z
          .object({
            name: z
              .string()
              .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case identifier')
              .max(63),
            type: z.string().refine(isFieldType, v => ({
              message: `unsupported type "${v}" (supported: ${FIELD_TYPES.join(
                ', ',
              )})`,
            })),
            examples: z
              .array(withoutNul(z.string().max(1000)))
              .max(100)
              .optional(),
          })
          .strict(),
      )
      .min(1, 'must list at least one field')
      .max(
        MAX_TARGET_FIELDS,
        `must list at most ${MAX_TARGET_FIELDS} fields: each unmatched one costs sampling queries on the dataset`,
      )
      // A field listed twice is no schema: one of them would be proposed as new.
      .superRefine((fields, context) => {
        const seen = new Set<string>();
        for (const [index, field] of fields.entries()) {
          if (seen.has(field.name))
            context.addIssue({
              code: z.ZodIssueCode.custom,
              path: [index, 'name'],
              message: `"${field.name}" is listed twice`,
            });
          seen.add(field.name);
        }
      }),
  })
  .strict();

/** @public */
export type TargetSchema = z.infer<typeof targetSchemaSchema>;

/**
 * Why a change was inferred, for the person who confirms it.
 *
 * @public
 */
export interface InferenceEvidence {
  confidence: 'certain' | 'likely' | 'guess';
  reason: string;
  /** Name similarity of a rename, 0..1. */
  nameSimilarity?: number;
  /** Share of the target's examples found among sampled source values, 0..1. */
  valueOverlap?: number;
}

/** @public */
export interface InferredChange {
  change: FieldChange;
  evidence: InferenceEvidence;
}

/**
 * Share of a target field's examples found in a source field's sampled values.
 *
 * @public
 */
export type ValueOverlap = (
  sourceField: string,
  examples: string[],
) => Promise<number>;

const RENAME_THRESHOLD = 0.5;
const CLEAR_MARGIN = 0.15;
/** Names at least this alike are likely the same field; below, examples are asked first. */
const LIKELY_SIMILARITY = 0.8;

const round = (n: number) => Math.round(n * 100) / 100;
const percent = (n: number) => `${Math.round(n * 100)}%`;

/**
 * Infers the changes from the source schema to a desired one. Same names are kept
 * (a type change if the type differs); an unmatched target field is a rename of the
 * unmatched source field of the same type whose name is clearly most alike, or, when
 * names do not decide and the target gives examples, whose sampled values overlap
 * them most; what is left is added or dropped. Every change says why.
 *
 * @public
 */
export async function inferChanges(
  source: DatasetField[],
  target: TargetSchema['fields'],
  overlap?: ValueOverlap,
): Promise<InferredChange[]> {
  const inferred: InferredChange[] = [];
  const sourceLeft = new Map(source.map(f => [f.name, f]));
  const targetLeft: TargetSchema['fields'] = [];

  for (const want of target) {
    const same = sourceLeft.get(want.name);
    if (!same) {
      targetLeft.push(want);
      continue;
    }
    sourceLeft.delete(want.name);
    if (baseType(same.type) !== want.type) {
      inferred.push({
        change: { changeType: { field: want.name, type: want.type as never } },
        evidence: {
          confidence: 'certain',
          reason: `same name; type ${same.type} → ${want.type}`,
        },
      });
    }
  }

  for (const want of targetLeft) {
    const candidates = [...sourceLeft.values()]
      .filter(f => baseType(f.type) === want.type)
      .map(f => ({ field: f, similarity: nameSimilarity(f.name, want.name) }))
      .sort((a, b) => b.similarity - a.similarity);
    const [best, next] = candidates;
    const byName =
      best &&
      best.similarity >= RENAME_THRESHOLD &&
      (!next || best.similarity - next.similarity >= CLEAR_MARGIN)
        ? best
        : undefined;
    let chosen:
      | { field: DatasetField; evidence: InferenceEvidence }
      | undefined;
    // Names alike but not clearly the same field: the examples, when given, decide.
    if (
      (!byName || byName.similarity < LIKELY_SIMILARITY) &&
      candidates.length > 0 &&
      want.examples?.length &&
      overlap
    ) {
      const scored = await Promise.all(
        candidates.map(async c => ({
          ...c,
          overlap: await overlap(c.field.name, want.examples!),
        })),
      );
      scored.sort((a, b) => b.overlap - a.overlap);
      if (
        scored[0].overlap > 0 &&
        (scored.length === 1 || scored[0].overlap > scored[1].overlap)
      ) {
        chosen = {
          field: scored[0].field,
          evidence: {
            confidence: scored[0].overlap >= 0.5 ? 'likely' : 'guess',
            reason: `same type ${want.type}; ${
              byName
                ? `names only ${percent(byName.similarity)} alike`
                : 'names did not decide'
            }; ${percent(scored[0].overlap)} of the examples appear in "${
              scored[0].field.name
            }"${
              scored[1]
                ? ` (next: "${scored[1].field.name}", ${percent(
                    scored[1].overlap,
                  )})`
                : ''
            }`,
            nameSimilarity: round(scored[0].similarity),
            valueOverlap: round(scored[0].overlap),
          },
        };
      }
    }
    if (!chosen && byName) {
      chosen = {
        field: byName.field,
        evidence: {
          confidence:
            byName.similarity >= LIKELY_SIMILARITY ? 'likely' : 'guess',
          reason: `same type ${want.type}, names ${percent(
            byName.similarity,
          )} alike${
            next
              ? `, the next candidate "${next.field.name}" ${percent(
                  next.similarity,
                )}`
              : ''
          }`,
          nameSimilarity: round(byName.similarity),
        },
      };
    }
    if (chosen) {
      sourceLeft.delete(chosen.field.name);
      inferred.push({
        change: { renameField: { from: chosen.field.name, to: want.name } },
        evidence: chosen.evidence,
      });
    } else {
      inferred.push({
        change: { addField: { name: want.name, type: want.type as never } },
        evidence: {
          confidence: candidates.length === 0 ? 'likely' : 'guess',
          reason:
            candidates.length === 0
              ? `no unmatched source field of type ${want.type}`
              : `no unmatched ${
                  want.type
                } field is clearly the same (${candidates
                  .map(c => `"${c.field.name}" ${percent(c.similarity)}`)
                  .join(', ')}); confirm, or make it a rename`,
        },
      });
    }
  }

  for (const gone of sourceLeft.values()) {
    inferred.push({
      change: { dropField: { name: gone.name } },
      evidence: {
        confidence: 'likely',
        reason: `"${gone.name}" is not in the target schema`,
      },
    });
  }
  return inferred;
}

function baseType(type: string): string {
  return type.replace(/\(.*\)$/, '');
}

/**
 * 1 − normalised edit distance, over names with separators ignored.
 *
 * @public
 */
export function nameSimilarity(a: string, b: string): number {
  const x = a.replace(/_/g, '');
  const y = b.replace(/_/g, '');
  if (x === y) return 1;
  const rows = Array.from({ length: x.length + 1 }, (_, i) => i);
  for (let j = 1; j <= y.length; j++) {
    let diagonal = rows[0];
    rows[0] = j;
    for (let i = 1; i <= x.length; i++) {
      const above = rows[i];
      rows[i] = Math.min(
        rows[i] + 1,
        rows[i - 1] + 1,
        diagonal + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return 1 - rows[x.length] / Math.max(x.length, y.length);
}
