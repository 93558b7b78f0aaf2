/** How many names a message or an audit event lists before it counts the rest. */
export const NAMED_AT_MOST = 10;

/**
 * Names for a message: all of a few, or the first ones and how many more, so
 * that 5,000 refs make a line of a few hundred characters, not 150 KB (in the
 * answer and in the audit log).
 */
export function namedFew(names: readonly string[], atMost = NAMED_AT_MOST) {
  if (names.length <= atMost) return names.join(', ');
  return `${names.slice(0, atMost).join(', ')} and ${
    names.length - atMost
  } more (${names.length} in all)`;
}
