import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  campaignDocumentSchema,
  describeIssues,
  type CampaignDocument,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { freezeEnd } from './rolloutCalendar';

/**
 * Parses a campaign document (JSON or YAML, already read into a value): defaults
 * filled in, every ref normalised (`resource:events` → `resource:default/events`;
 * owners are groups unless they say otherwise, datasets Resources). A 400
 * names every problem by path, e.g. `Invalid campaign: changes[0].renameField.to: …`.
 * Checks zod cannot make on one field (a freeze ending after it starts, a window
 * of some length, a real time zone, parseable refs, no empty selector list) run
 * once the shape is right.
 * A deadline in the past is allowed: a late campaign is still a campaign.
 */
export function parseCampaignDocument(body: unknown): CampaignDocument {
  const parsed = campaignDocumentSchema.safeParse(body);
  if (!parsed.success) {
    throw invalid(describeIssues(parsed.error));
  }
  const document = parsed.data;
  const problems: string[] = [];
  const { rollout, selector } = document;

  rollout.freezes.forEach((freeze, i) => {
    // As the calendar reads it: a date-only `to` freezes that whole day.
    if (freezeEnd(freeze) <= Date.parse(freeze.from)) {
      problems.push(`rollout.freezes[${i}].to: must be after from`);
    }
  });
  rollout.windows.forEach((window, i) => {
    if (window.end === window.start) {
      problems.push(
        `rollout.windows[${i}].end: must differ from start (a window of no length never opens)`,
      );
    }
    if (!isTimeZone(window.timeZone)) {
      problems.push(
        `rollout.windows[${i}].timeZone: must be an IANA time zone, e.g. UTC or Europe/Berlin`,
      );
    }
  });

  // An empty list reads as "none" and would select as "no filter" (every
  // dataset). Checked here, not in the schema, so that a document stored
  // before still reads back (a campaign's rollout is read from it).
  for (const list of [
    'owners',
    'tags',
    'types',
    'entityRefs',
    'hasFields',
  ] as const) {
    if (selector[list]?.length === 0)
      problems.push(
        `selector.${list}: must name at least one, or be left out (an empty list would select every dataset)`,
      );
  }

  const owner = normalizeRef(document.owner, 'owner', 'group', problems);
  const owners = selector.owners?.map((ref, i) =>
    normalizeRef(ref, `selector.owners[${i}]`, 'group', problems),
  );
  const entityRefs = selector.entityRefs?.map((ref, i) =>
    normalizeRef(ref, `selector.entityRefs[${i}]`, 'resource', problems),
  );
  const exclude = selector.exclude?.map((ref, i) =>
    normalizeRef(ref, `selector.exclude[${i}]`, 'resource', problems),
  );
  if (problems.length > 0) throw invalid(problems);

  return {
    ...document,
    owner,
    selector: {
      ...selector,
      ...(owners ? { owners } : {}),
      ...(entityRefs ? { entityRefs } : {}),
      ...(exclude ? { exclude } : {}),
    },
  };
}

function invalid(problems: string[]): InputError {
  return new InputError(`Invalid campaign: ${problems.join('; ')}`);
}

function isTimeZone(timeZone: string): boolean {
  try {
    // Throws a RangeError on a zone it does not know.
    // eslint-disable-next-line no-new
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** A full ref (`kind:namespace/name`), or the problem named by path. */
function normalizeRef(
  ref: string,
  path: string,
  defaultKind: string,
  problems: string[],
): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
    );
  } catch (error) {
    problems.push(`${path}: ${(error as Error).message}`);
    return ref;
  }
}
