import { boundAuditError, boundAuditMeta } from './boundAudit';

describe('boundAuditMeta', () => {
  it('keeps short values as they are', () => {
    const meta = {
      entityRef: `resource:default/${'e'.repeat(280)}`,
      created: true,
      n: 3,
      none: null,
      consumers: ['component:default/a'],
    };
    expect(boundAuditMeta(meta)).toEqual(meta);
  });

  it('cuts long strings, keys and lists short, marking each, at any depth', () => {
    const bounded = boundAuditMeta({
      entityRef: 'x'.repeat(1_000),
      nested: { refs: Array.from({ length: 150 }, (_, i) => `r${i}`) },
      ['k'.repeat(400)]: 1,
    });
    expect(bounded.entityRef).toBe(
      `${'x'.repeat(300)}…(cut short: 700 more characters)`,
    );
    const refs = (bounded.nested as { refs: string[] }).refs;
    expect(refs).toHaveLength(101);
    expect(refs.at(-1)).toBe('…(cut short: 50 more items)');
    expect(bounded[`${'k'.repeat(300)}…(cut short: 100 more characters)`]).toBe(
      1,
    );
  });

  it('keeps a key named __proto__ as a key, changing no prototype', () => {
    const meta = JSON.parse('{"__proto__": {"polluted": "yes"}, "a": "b"}');
    const bounded = boundAuditMeta(meta);
    expect(Object.getPrototypeOf(bounded)).toBe(Object.prototype);
    expect(Object.keys(bounded)).toEqual(['__proto__', 'a']);
    expect(({} as { polluted?: string }).polluted).toBeUndefined();
  });
});

describe('boundAuditError', () => {
  it('gives a short error back as it is, and a long one as a marked copy of its name', () => {
    const short = new TypeError('short');
    expect(boundAuditError(short)).toBe(short);
    const long = new TypeError(`bad: ${'z'.repeat(10_000)}`);
    const bounded = boundAuditError(long);
    expect(bounded).not.toBe(long);
    expect(bounded.name).toBe('TypeError');
    expect(bounded.message).toMatch(
      /^bad: z+…\(cut short: 8005 more characters\)$/,
    );
    expect(bounded.stack!.length).toBeLessThan(5_000);
    expect(long.message).toHaveLength(10_005);
  });
});
