import {
  applyPatch,
  createTwoFilesPatch,
  parsePatch,
  reversePatch,
} from 'diff';
import { unifiedDiff } from './unifiedDiff';

/** A deterministic pseudo-random sequence (mulberry32), so a failure repeats. */
function randomFrom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Applies forward and backward: what movedOffPrevious and a reviewer rely on. */
function expectApplies(diff: string, before: string, after: string) {
  const [patch] = parsePatch(diff);
  expect(applyPatch(before, patch)).toBe(after);
  expect(applyPatch(after, reversePatch(patch))).toBe(before);
}

describe('unifiedDiff', () => {
  const line = (i: number) => `select title from events where id > ${i};\n`;

  it('is jsdiff’s fewest-edits patch for a rewrite of a few lines', () => {
    const before = Array.from({ length: 50 }, (_, i) => line(i)).join('');
    const after = before.replace(line(20), 'select headline AS title;\n');
    const diff = unifiedDiff('q.sql', before, after);
    expect(diff).toBe(
      createTwoFilesPatch('a/q.sql', 'b/q.sql', before, after, '', '', {
        context: 3,
      }),
    );
    expect(diff).toContain('@@ -18,7 +18,7 @@');
    expectApplies(diff, before, after);
  });

  it('marks a missing last newline where it is missing, also beside a change', () => {
    // jsdiff's own formatPatch put the marker after the new side here, so the
    // patch applied gave "A\nb\nc" and, reversed, "a\nb\nc\n".
    for (const [before, after] of [
      ['a\nb\nc', 'A\nb\nc\n'],
      ['a\nb\nc\n', 'A\nb\nc'],
      ['a\nb\nc', 'a\nb\nC'],
      ['x\n', ''],
      ['', 'x'],
    ])
      expectApplies(unifiedDiff('q.sql', before, after), before, after);
  });

  it('replaces the changed middle in one hunk where the fewest edits are too many to search for', () => {
    // Every line changed but the first and last ten: 2,000 edits.
    const before = Array.from({ length: 1020 }, (_, i) => line(i)).join('');
    const after = before
      .split('\n')
      .map((l, i) => (i >= 10 && i < 1010 ? l.replace('title', 'headline') : l))
      .join('\n');
    const diff = unifiedDiff('q.sql', before, after);
    const [patch] = parsePatch(diff);
    expect(patch.hunks).toHaveLength(1);
    expect(patch.hunks[0]).toMatchObject({
      oldStart: 8,
      oldLines: 1006,
      newStart: 8,
      newLines: 1006,
    });
    expectApplies(diff, before, after);
  });

  it('applies both ways past the bound on random rewrites, files without a last newline and emptied ones included', () => {
    const random = randomFrom(15);
    for (let round = 0; round < 12; round++) {
      // Enough lines changed (about 1,100 or more) to pass the bound of edits.
      const size = 2400 + Math.floor(random() * 1000);
      const words = ['a', 'b', 'c', 'select 1', ''];
      const lines = Array.from(
        { length: size },
        () => words[Math.floor(random() * words.length)],
      );
      const changed = lines.flatMap(l => {
        const r = random();
        if (r < 0.45) return [`${l}x`];
        if (r < 0.55) return [];
        if (r < 0.6) return [l, 'inserted'];
        return [l];
      });
      const text = (ls: string[]) =>
        ls.join('\n') + (random() < 0.5 ? '\n' : '');
      let before = text(lines);
      let after = text(changed);
      if (round === 0) after = '';
      if (round === 1) before = '';
      const diff = unifiedDiff('m.sql', before, after);
      expect(parsePatch(diff)[0].hunks).toHaveLength(1);
      expectApplies(diff, before, after);
    }
  });

  it('pairs the lines of a rewrite within lines, and writes a hunk of any size', () => {
    // 10,000 dbt-style statements of 8 short lines, one of each rewritten.
    const statement = (select: string) =>
      `select\n  id,\n  ${select}\nfrom\n  events\nwhere\n  id > 1\n;\n`;
    const before = statement('title').repeat(10_000);
    const after = statement('headline AS title').repeat(10_000);
    const diff = unifiedDiff('m.sql', before, after);
    const [patch] = parsePatch(diff);
    // Seven equal lines apart, more than twice the context: a hunk each.
    expect(patch.hunks).toHaveLength(10_000);
    const removed = patch.hunks.flatMap(h =>
      h.lines.filter(l => l.startsWith('-')),
    );
    expect(new Set(removed)).toEqual(new Set(['-  title']));
    expect(removed).toHaveLength(10_000);
    expectApplies(diff, before, after);
    // A line added to each as well: the middle is replaced whole, one hunk of
    // 170,000 lines, past what jsdiff's formatPatch can spread as arguments.
    const grown = after.replace(/;\n/g, ';\n\n');
    const whole = unifiedDiff('m.sql', before, grown);
    expect(parsePatch(whole)[0].hunks).toHaveLength(1);
    expectApplies(whole, before, grown);
  });
});
