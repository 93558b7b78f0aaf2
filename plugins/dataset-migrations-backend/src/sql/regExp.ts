/** Text matched as itself in a regular expression, JavaScript's or PostgreSQL's. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
