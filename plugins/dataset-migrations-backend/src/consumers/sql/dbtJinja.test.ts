import { jinjaTags, maskJinja } from './dbtJinja';

/** The pattern the tags were found with before, lazy and quadratic on unclosed openers. */
const LAZY = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g;

describe('jinjaTags', () => {
  it('finds the tags the lazy pattern finds, on texts of nested, unclosed and mixed openers', () => {
    // A fixed generator: the same thousand texts each run.
    let seed = 31;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    const alphabet = [
      '{',
      '}',
      '%',
      '#',
      'x',
      ' ',
      '\n',
      '{{',
      '}}',
      '{%',
      '%}',
    ];
    for (let n = 0; n < 1000; n++) {
      const text = Array.from(
        { length: next() % 40 },
        () => alphabet[next() % alphabet.length],
      ).join('');
      const expected = [...text.matchAll(LAZY)].map(m => ({
        index: m.index,
        span: m[0],
      }));
      expect({ text, tags: jinjaTags(text) }).toEqual({ text, tags: expected });
    }
  });

  it('masks a model as before: references named, statements and comments blanked', () => {
    const { text, placeholders } = maskJinja(
      "{% set x = 1 %}select {{ ref('a') }} from {# c #} t {{ unclosed",
    );
    expect(text).toBe(
      `${' '.repeat(15)}select _j0${'_'.repeat(11)} from ${' '.repeat(
        7,
      )} t {{ unclosed`,
    );
    expect([...placeholders.values()]).toEqual([
      { original: "{{ ref('a') }}", kind: 'ref', model: 'a' },
    ]);
  });

  it('reads 200 kB of unclosed openers in one pass', () => {
    // Before, the lazy pattern took about 7 s on this text (round 31b).
    expect(jinjaTags('{%{{'.repeat(50_000))).toEqual([]);
    expect(maskJinja('{#{%{{'.repeat(34_000)).placeholders.size).toBe(0);
  });
});
