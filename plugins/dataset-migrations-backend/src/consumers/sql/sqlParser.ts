import {
  loadModule,
  parseSync,
  scanSync,
  type ParseResult,
  type ScanToken,
} from 'libpg-query';

/**
 * PostgreSQL's own parser (libpg_query, compiled to WebAssembly): consumer SQL is
 * read exactly as the server would read it. Positions it reports are UTF-8 byte
 * offsets; everything here hands out string indices instead.
 */
let loading: Promise<void> | undefined;

export function loadSqlParser(): Promise<void> {
  loading ??= loadModule();
  return loading;
}

export interface ParsedSql {
  result: ParseResult;
  tokens: ScanToken[];
  /** Converts a parser byte offset into an index into the text. */
  indexOf(byteOffset: number): number;
}

export class SqlSyntaxError extends Error {
  constructor(message: string, readonly index: number) {
    super(message);
    this.name = 'SqlSyntaxError';
  }
}

/** Parses and tokenises; throws {@link SqlSyntaxError} with the failing index. */
export function parseSql(text: string): ParsedSql {
  const indexOf = byteToIndex(text);
  let result: ParseResult;
  try {
    result = parseSync(text);
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } })
      .sqlDetails;
    const at = details?.cursorPosition ?? 0;
    throw new SqlSyntaxError((error as Error).message, indexOf(at));
  }
  const tokens = scanSync(text).tokens.map(token => ({
    ...token,
    start: indexOf(token.start),
    end: indexOf(token.end),
  }));
  return { result, tokens, indexOf };
}

function byteToIndex(text: string): (byteOffset: number) => number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return offset => offset;
  const bytes = Buffer.from(text, 'utf8');
  return offset => bytes.subarray(0, offset).toString('utf8').length;
}

/** 1-based line and column of a string index. */
export function positionOf(
  text: string,
  index: number,
): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: index - lineStart + 1 };
}
