/**
 * The first key a JSON text repeats within one object, with where: JSON.parse
 * keeps the last of them without a word, where a YAML body is refused for it.
 */

/** A repeated key and the path of the object holding it (`[]` for the top). */
export interface DuplicateKey {
  key: string;
  path: (string | number)[];
}

interface ObjectFrame {
  keys: Set<string>;
  /** The last key read: the path part of the value that follows it. */
  key: string;
  expectKey: boolean;
}
interface ArrayFrame {
  index: number;
}
type Frame = ObjectFrame | ArrayFrame;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Scans `text`, JSON that JSON.parse has accepted, for a key repeated within one
 * object (as JSON.parse reads keys: `"a"` and `"\u0061"` are one key). One pass,
 * without building any value: each character is looked at once or twice (a
 * string's end is found by `indexOf`), and memory grows with the keys of the
 * objects open at a time. Undefined when every object's keys differ.
 */
export function firstDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  // Straight to the next character that matters: white space, numbers and
  // literals hold no key or structure.
  const structure = /["{}[\],]/g;
  for (;;) {
    const found = structure.exec(text);
    if (!found) return undefined;
    const i = found.index;
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top && 'keys' in top && top.expectKey) {
        const raw = text.slice(i + 1, end);
        // Escapes read as JSON.parse reads them; only a key holding one pays for it.
        const key = raw.includes('\\')
          ? (JSON.parse(text.slice(i, end + 1)) as string)
          : raw;
        if (top.keys.has(key)) return { key, path: pathOf(stack) };
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      structure.lastIndex = end + 1;
    } else if (c === OPEN_OBJECT)
      stack.push({ keys: new Set(), key: '', expectKey: true });
    else if (c === OPEN_ARRAY) stack.push({ index: 0 });
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) stack.pop();
    else {
      // A comma.
      const top = stack[stack.length - 1];
      if (top && 'keys' in top) top.expectKey = true;
      else if (top) top.index++;
    }
  }
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    if (end < 0) return text.length;
    // Escaped when an odd number of backslashes come right before it.
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

/** Where the innermost object of the stack is, from the top of the document. */
function pathOf(stack: Frame[]): (string | number)[] {
  // Every frame but the innermost names the part that leads to the next one.
  return stack
    .slice(0, -1)
    .map(frame => ('keys' in frame ? frame.key : frame.index));
}
