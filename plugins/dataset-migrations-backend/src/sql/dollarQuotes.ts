/**
 * PostgreSQL's dollar-quoted strings (`$$…$$`, `$body$…$body$`), as its lexer
 * reads them: one scan shared by the readers of SQL files and of SQL in code.
 */

/**
 * A dollar quote's delimiter: `$`, a tag or none, `$`. A tag starts with a
 * letter, `_` or a non-ASCII character and goes on with digits too
 * (PostgreSQL's dolq_start and dolq_cont), so a bind parameter (`$1`) is none.
 */
export const DOLLAR_DELIMITER = String.raw`\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$`;

/**
 * A name, read whole so that the `$` it may hold (`a$b`, PostgreSQL's
 * ident_cont) starts no quote, or a quote's opening delimiter.
 */
const TOKEN = String.raw`[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*|(${DOLLAR_DELIMITER})`;

export interface DollarQuote {
  /** Where the opening delimiter starts. */
  at: number;
  /** Where the quoted text starts and ends. */
  from: number;
  to: number;
  /** Where the closing delimiter ends: the text's end if none closes it. */
  end: number;
  /**
   * Whether the same delimiter closes it. PostgreSQL takes an unclosed quote
   * as an error, with all the rest of the text in it; each reader decides
   * which side of it is the cautious one.
   */
  closed: boolean;
}

/**
 * The dollar-quoted strings of `text`, in one pass: a delimiter opens, the
 * next of the same closes, anything between (other delimiters too) is the
 * quote's text. After an unclosed quote there is no other.
 */
export function dollarQuotes(text: string): DollarQuote[] {
  const quotes: DollarQuote[] = [];
  const token = new RegExp(TOKEN, 'g');
  for (let m = token.exec(text); m; m = token.exec(text)) {
    const open = m[1];
    if (!open) continue;
    const from = m.index + open.length;
    const close = text.indexOf(open, from);
    if (close < 0) {
      const end = text.length;
      quotes.push({ at: m.index, from, to: end, end, closed: false });
      break;
    }
    const end = close + open.length;
    quotes.push({ at: m.index, from, to: close, end, closed: true });
    token.lastIndex = end;
  }
  return quotes;
}
