import { firstDuplicateKey } from './duplicateKeys';

describe('firstDuplicateKey', () => {
  const found = (json: string) => {
    JSON.parse(json); // Only text JSON.parse accepted is scanned.
    return firstDuplicateKey(json);
  };

  it('finds a key named twice in one object, with the path of that object', () => {
    expect(found('{"a":1,"a":2}')).toEqual({ key: 'a', path: [] });
    expect(
      found(
        '{"changes":[{"addField":{"name":"x"}},{"addField":{"name":"y","type":"text","name":"z"}}]}',
      ),
    ).toEqual({ key: 'name', path: ['changes', 1, 'addField'] });
    expect(found('[1, [2, {"k": [], "k": {}}]]')).toEqual({
      key: 'k',
      path: [1, 1],
    });
  });

  it('reads keys as JSON.parse does: escapes, and quotes and brackets inside strings', () => {
    expect(found('{"name":1,"n\\u0061me":2}')).toEqual({
      key: 'name',
      path: [],
    });
    expect(found('{"a\\"b":1,"a\\"b":2}')).toEqual({ key: 'a"b', path: [] });
    expect(found('{"a\\\\":1,"a\\\\":2}')).toEqual({ key: 'a\\', path: [] });
    // Not keys: values, and structure inside strings.
    expect(found('{"a":"a","b":"a"}')).toBeUndefined();
    expect(found('{"a":"{\\"b\\":1,\\"b\\":2}","c":"}],[{"}')).toBeUndefined();
    expect(found('{"a":{"x":1},"b":{"x":1},"x":[{"x":1},{"x":2}]}')).toBe(
      undefined,
    );
    expect(found('{"__proto__":1,"__proto__":2}')).toEqual({
      key: '__proto__',
      path: [],
    });
    expect(found('"just a string"')).toBeUndefined();
    expect(found(' { } ')).toBeUndefined();
  });

  it('scans a megabyte of many keys, or of deep nesting, in one pass without recursion', () => {
    const many = JSON.stringify(
      Object.fromEntries(
        Array.from({ length: 60_000 }, (_, i) => [`key${i}`, i]),
      ),
    );
    expect(many.length).toBeGreaterThan(900_000);
    expect(firstDuplicateKey(many)).toBeUndefined();
    expect(firstDuplicateKey(`${many.slice(0, -1)},"key59999":0}`)).toEqual({
      key: 'key59999',
      path: [],
    });
    const deep = `${'['.repeat(400_000)}{"a":1,"a":2}${']'.repeat(400_000)}`;
    expect(firstDuplicateKey(deep)?.path).toHaveLength(400_000);
    // Escaped quotes one after another: each found once.
    const quotes = `{"${'\\"'.repeat(200_000)}":1}`;
    expect(firstDuplicateKey(quotes)).toBeUndefined();
  });
});
