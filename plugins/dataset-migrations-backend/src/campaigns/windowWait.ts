import type {
  Campaign,
  CampaignStuckItem,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { mayStartAt, nextStartAt, whyNotStartAt } from './rolloutCalendar';

/**
 * Why a running campaign with datasets still to start is not starting them for its
 * rollout windows or freezes: waiting for the next window, or stuck when none opens
 * again or none before the deadline. Undefined when nothing waits on the calendar.
 */
export function windowWait(
  campaign: Pick<
    Campaign,
    'state' | 'deadline' | 'document' | 'datasets' | 'waves'
  >,
  now: Date,
): { reason: string; stuck?: CampaignStuckItem } | undefined {
  if (campaign.state !== 'running') return undefined;
  const next = [...campaign.datasets]
    .sort((a, b) => a.position - b.position)
    .find(d => d.state === 'pending');
  if (!next) return undefined;
  // A soaking wave's next one starts no sooner than its soak ends.
  const from = new Date(
    Math.max(
      now.getTime(),
      ...campaign.waves
        .filter(w => w.state === 'soaking' && w.soakedAt)
        .map(w => Date.parse(w.soakedAt!)),
    ),
  );
  const { windows, freezes } = campaign.document.rollout;
  if (mayStartAt(from, windows, freezes)) return undefined;
  const why = whyNotStartAt(from, windows, freezes)!;
  const opens = nextStartAt(from, windows, freezes);
  const deadline = Date.parse(campaign.deadline);
  const stuck = (detail: string) => ({
    reason: `stuck: ${detail}`,
    stuck: {
      entityRef: next.entityRef,
      kind: 'no-window' as const,
      detail: `${detail}; ${next.entityRef} is the next dataset to start`,
      since: from.toISOString(),
    },
  });
  if (!opens) return stuck(`${why}, and no rollout window opens again`);
  if (opens.getTime() > deadline)
    return stuck(
      `${why}; no rollout window opens before the deadline (${
        campaign.deadline
      }): the next opens at ${opens.toISOString()}`,
    );
  return {
    reason: `${why}; the next rollout window opens at ${opens.toISOString()}`,
  };
}
