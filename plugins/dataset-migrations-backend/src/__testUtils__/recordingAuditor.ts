import type {
  AuditorServiceCreateEventOptions,
  AuditorServiceEventSeverityLevel,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';

/** One audit event as the plugin reported it: created, then succeeded or failed. */
export interface AuditRecord {
  eventId: string;
  severityLevel?: AuditorServiceEventSeverityLevel;
  /** The meta the event ended with (or was created with, while it is open). */
  meta?: unknown;
  outcome?: 'succeeded' | 'failed';
  error?: Error;
}

/** An auditor that keeps every event, to assert what was recorded and how it ended. */
export function recordingAuditor() {
  const events: AuditRecord[] = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async (options: AuditorServiceCreateEventOptions) => {
      const record: AuditRecord = {
        eventId: options.eventId,
        severityLevel: options.severityLevel,
        meta: options.meta,
      };
      events.push(record);
      return {
        success: async (o?: { meta?: unknown }) => {
          Object.assign(
            record,
            { outcome: 'succeeded' },
            o?.meta && { meta: o.meta },
          );
        },
        fail: async (o: { error: Error; meta?: unknown }) => {
          Object.assign(
            record,
            { outcome: 'failed', error: o.error },
            o.meta && { meta: o.meta },
          );
        },
      };
    },
  });
  return { auditor, events };
}
