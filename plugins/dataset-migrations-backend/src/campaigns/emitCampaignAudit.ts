import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { CampaignAuditOutbox } from '../database/CampaignAuditOutbox';
import { holdLease } from '../jobs/leaseHold';
import { boundAuditMeta } from '../audit/boundAudit';

/**
 * Emits the campaign audit events not yet emitted, oldest first, and marks them;
 * answers how many this call emitted and marked. Each is claimed first, and the
 * claim is renewed while the auditor works, so a slow auditor is not taken for a
 * dead emitter (another would emit the event again); the auditor is called
 * outside any transaction, holding no row lock or pooled connection, and other
 * emitters skip the claimed event meanwhile. A claim that runs out (its emitter
 * died) is taken again, and the mark applies only under the emitter's own claim:
 * at least once, a process that dies between the auditor and the mark emitting it
 * again under the same `meta.auditEventId`. An event the auditor rejects is
 * logged and backs off while the others go on. Each event carries `recordedAt`,
 * the time of the action (the auditor stamps its lines with the time of emission).
 */
export async function emitCampaignAudit(
  outbox: CampaignAuditOutbox,
  auditor: Pick<AuditorService, 'createEvent'>,
  logger: Pick<LoggerService, 'warn'>,
): Promise<number> {
  let emitted = 0;
  for (;;) {
    const claimedAt = Date.now();
    const event = await outbox.claimNext();
    if (!event) return emitted;
    const claim = holdLease({
      claimedAt,
      durationMs: outbox.claimMs,
      renew: () => outbox.renewClaim(event),
      warn: message =>
        logger.warn(
          `The claim on campaign audit event ${event.id}: ${message}`,
        ),
    });
    let rejection: { error: unknown } | undefined;
    try {
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
    } catch (error) {
      rejection = { error };
    } finally {
      await claim.stop();
    }
    if (rejection) {
      logger.warn(
        `The auditor rejected campaign audit event ${event.id} (${
          event.eventId
        }, attempt ${
          event.attempts + 1
        }); it is tried again after a back-off: ${rejection.error}`,
      );
      await outbox.markRejected(event);
      continue;
    }
    if (await outbox.markEmitted(event)) {
      emitted++;
    } else {
      logger.warn(
        `Campaign audit event ${event.id} was emitted after its claim ran out and another emitter took it; it may be emitted again, under the same auditEventId`,
      );
    }
  }
}
