/**
 * One CSV cell (RFC 4180): quoted when it holds a separator, a quote or a line
 * break. Text a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
 * `@`, a tab or a carriage return) gets a leading apostrophe, as OWASP advises
 * against CSV injection; numbers stay numbers.
 *
 * @public
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Rows as CSV: cells through {@link csvCell}, CRLF line ends, one after the last row.
 *
 * @public
 */
export function csvTable(rows: readonly (readonly unknown[])[]): string {
  return `${rows.map(row => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
