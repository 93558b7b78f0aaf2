import { parseDocument, stringify, visit, isNode } from 'yaml';

/** How the spec text is written; an edit made in the form keeps the user's choice. */
export type SpecFormat = 'yaml' | 'json';

/** The spec text, read: its value, or why it could not be read. */
export type ParsedSpec =
  | {
      ok: true;
      value: unknown;
      format: SpecFormat;
      /** Comments the text holds, which rewriting it from the form would lose. */
      hasComments: boolean;
    }
  | { ok: false; error: string };

/** Reads spec text as YAML, of which JSON is a part, the way the backend does. */
export function parseSpecText(text: string): ParsedSpec {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    return { ok: false, error: doc.errors[0].message.split('\n')[0] };
  let hasComments = Boolean(doc.commentBefore || doc.comment);
  visit(doc, (_key, node) => {
    if (isNode(node) && (node.commentBefore || node.comment)) {
      hasComments = true;
      return visit.BREAK;
    }
    return undefined;
  });
  return {
    ok: true,
    value: doc.toJS(),
    format: text.trimStart().startsWith('{') ? 'json' : 'yaml',
    hasComments,
  };
}

export function formatSpec(value: unknown, format: SpecFormat): string {
  return format === 'json'
    ? `${JSON.stringify(value, null, 2)}\n`
    : stringify(value);
}
