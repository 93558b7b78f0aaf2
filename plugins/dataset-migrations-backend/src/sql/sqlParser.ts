/**
 * PostgreSQL's own parser (libpg_query, compiled to WebAssembly): consumer SQL is
 * read exactly as the server would read it. Positions it reports are UTF-8 byte
 * offsets; everything here hands out string indices instead.
 */
import { setFlagsFromString } from 'node:v8';
import type { ParseResult, ScanToken } from 'libpg-query';

type LibPgQuery = typeof import('libpg-query');

let loading: Promise<void> | undefined;
let parser: LibPgQuery | undefined;
let baselineOnly = false;

/**
 * Keeps WebAssembly on V8's baseline compiler (Liftoff) from now on. Left to
 * itself V8 optimises the parser's hottest function, the grammar's, once it is
 * hot: measured here, that compile held about 450 MB for 15–20 s of one core,
 * and the backend's peak RSS went from ~250 MB to ~800 MB, while a parse on
 * the baseline code is still well under a millisecond for a typical file.
 * The flag is process-wide and holds for what is compiled after it: call it
 * before the parser is first loaded.
 */
export function keepSqlParserOnBaselineCode(): void {
  if (baselineOnly) return;
  baselineOnly = true;
  // What `--liftoff-only` implies on the command line, said outright: V8 does not
  // apply a flag's implications when it is set at run time (`--liftoff-only`
  // alone then left the peak where it was).
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--no-wasm-tier-up');
  setFlagsFromString('--no-wasm-dynamic-tiering');
}

export function loadSqlParser(): Promise<void> {
  if (!loading) {
    // Required here, not imported at the top: requiring libpg-query compiles its
    // WebAssembly at once, and the plugin's choice above must come first.
    const library: LibPgQuery = require('libpg-query');
    loading = library.loadModule().then(() => {
      parser = library;
    });
  }
  return loading;
}

function loaded(): LibPgQuery {
  if (!parser)
    throw new Error('The SQL parser is not loaded: call loadSqlParser() first');
  return parser;
}

/** The tokens of a text (no positions converted): for a keyword check. */
export function scanSqlTokens(text: string): ScanToken[] {
  return loaded().scanSync(text).tokens;
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

/**
 * Parses and tokenises; throws {@link SqlSyntaxError} with the failing index.
 * A leading byte-order mark (U+FEFF, which editors on Windows write) is no
 * SQL: PostgreSQL's scanner takes its bytes for an identifier's (the server
 * rejects it), `psql -f` drops it, and whatever runs the file meets it before
 * and after a rewrite alike, which keeps it. It is read as a space, one
 * character as it is, so indexes into the text stay indexes into the file.
 */
export function parseSql(original: string): ParsedSql {
  const text = original.startsWith('\uFEFF')
    ? ` ${original.slice(1)}`
    : original;
  const indexOf = byteToIndex(text);
  let result: ParseResult;
  try {
    result = loaded().parseSync(text);
  } catch (error) {
    const details = (error as { sqlDetails?: { cursorPosition?: number } })
      .sqlDetails;
    const at = details?.cursorPosition ?? 0;
    throw new SqlSyntaxError((error as Error).message, indexOf(at));
  }
  const tokens = scanSqlTokens(text).map(token => ({
    ...token,
    start: indexOf(token.start),
    end: indexOf(token.end),
  }));
  return { result, tokens, indexOf };
}

function byteToIndex(text: string): (byteOffset: number) => number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return offset => offset;
  // One pass: the string index at every byte offset.
  const table = new Uint32Array(Buffer.byteLength(text, 'utf8') + 1);
  let byte = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    const size = utf8Length(code);
    for (let b = 0; b < size; b++) table[byte + b] = i;
    byte += size;
    if (code >= 0x10000) i++; // a surrogate pair is one code point
  }
  table[byte] = text.length;
  return offset => table[Math.min(offset, byte)];
}

/** The bytes a code point takes in UTF-8. */
function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/** The last text's line starts: positions are asked for one file at a time. */
let lastLines: { text: string; starts: number[] } | undefined;

/** 1-based line and column of a string index. */
export function positionOf(
  text: string,
  index: number,
): { line: number; column: number } {
  const starts = lineStarts(text);
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= index) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: index - starts[low] + 1 };
}

function lineStarts(text: string): number[] {
  if (lastLines?.text === text) return lastLines.starts;
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1))
    starts.push(i + 1);
  lastLines = { text, starts };
  return starts;
}
