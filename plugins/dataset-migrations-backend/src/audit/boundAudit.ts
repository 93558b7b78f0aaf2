import type { JsonObject, JsonValue } from '@backstage/types';

/**
 * The longest text an audit event keeps of one value: an entity ref the plugin
 * accepts (300 characters) stays whole; a longer one was refused anyway.
 */
export const AUDIT_TEXT_AT_MOST = 300;

/** The most items an audit event keeps of one list (routes count the rest themselves). */
export const AUDIT_ITEMS_AT_MOST = 100;

/** The longest error message an audit event keeps. */
export const AUDIT_ERROR_AT_MOST = 2_000;

/** Text cut to `atMost` characters, marked with how much was left out. */
export function cutShort(text: string, atMost: number): string {
  return text.length <= atMost
    ? text
    : `${text.slice(0, atMost)}…(cut short: ${
        text.length - atMost
      } more characters)`;
}

/**
 * An audit event's meta with every string cut short and every list cut to its
 * first items, each marked: a request can put what it likes into a value the
 * event names (an entityRef in a body that was refused for its length), and one
 * event must stay a line of the audit log, not a megabyte.
 */
export function boundAuditMeta(meta: JsonObject): JsonObject {
  return bound(meta) as JsonObject;
}

function bound(value: JsonValue | undefined): JsonValue | undefined {
  if (typeof value === 'string') return cutShort(value, AUDIT_TEXT_AT_MOST);
  if (Array.isArray(value)) {
    const kept = value.slice(0, AUDIT_ITEMS_AT_MOST).map(v => bound(v) ?? null);
    return value.length > AUDIT_ITEMS_AT_MOST
      ? [
          ...kept,
          `…(cut short: ${value.length - AUDIT_ITEMS_AT_MOST} more items)`,
        ]
      : kept;
  }
  if (value !== null && typeof value === 'object') {
    // Own keys only, onto a plain object: a key named __proto__ stays a key.
    const out: JsonObject = Object.create(null);
    for (const [key, v] of Object.entries(value))
      out[cutShort(key, AUDIT_TEXT_AT_MOST)] = bound(v);
    return { ...out };
  }
  return value;
}

/**
 * The error an audit event records: the error itself, or, when its message is
 * longer than {@link AUDIT_ERROR_AT_MOST} (a message may repeat the request), a
 * copy of the same name with the message cut short. The caller still gets the
 * original.
 */
export function boundAuditError(error: Error): Error {
  const message = String(error?.message ?? error);
  if (message.length <= AUDIT_ERROR_AT_MOST) return error;
  const cut = cutShort(message, AUDIT_ERROR_AT_MOST);
  const copy = new Error(cut);
  copy.name = error.name;
  copy.stack = error.stack?.replace(message, cut) ?? `${copy.name}: ${cut}`;
  return copy;
}
