import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { CampaignAuditOutbox } from '../database/CampaignAuditOutbox';
import { drainOutbox } from '../jobs/drainOutbox';
import { boundAuditMeta } from '../audit/boundAudit';

/**
 * Emits the campaign audit events not yet emitted, oldest first, and marks them;
 * answers how many this call emitted and marked. Claimed one at a time, at least
 * once (see {@link drainOutbox}): a process that dies between the auditor and the
 * mark emits it again under the same `meta.auditEventId`. An event the auditor
 * rejects is logged and backs off while the others go on. Each event carries
 * `recordedAt`, the time of the action (the auditor stamps its lines with the
 * time of emission).
 */
export async function emitCampaignAudit(
  outbox: CampaignAuditOutbox,
  auditor: Pick<AuditorService, 'createEvent'>,
  logger: Pick<LoggerService, 'warn'>,
): Promise<number> {
  return drainOutbox({
    outbox: {
      claimMs: outbox.claimMs,
      claimNext: () => outbox.claimNext(),
      renewClaim: event => outbox.renewClaim(event),
      markDone: event => outbox.markEmitted(event),
      markRejected: event => outbox.markRejected(event),
    },
    deliver: async event => {
      const audit = await auditor.createEvent({
        eventId: event.eventId,
        severityLevel: event.severityLevel,
        meta: boundAuditMeta({
          ...event.meta,
          auditEventId: event.id,
          recordedAt: event.recordedAt.toISOString(),
        }),
      });
      await audit.success();
    },
    describe: event => `campaign audit event ${event.id} (${event.eventId})`,
    repeatedAs: 'under the same auditEventId',
    logger,
  });
}
