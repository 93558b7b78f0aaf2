import { csvCell, csvTable } from './csv';

describe('csvCell', () => {
  it.each([
    '=HYPERLINK("http://x")',
    '+1+2',
    '-2+3',
    '@SUM(A1)',
    '\tcmd',
    '\rcmd',
  ])('makes %j inert for a spreadsheet', value => {
    const cell = csvCell(value);
    // Unquoted, or the quoted value: either way its first character is the apostrophe.
    expect(cell.replace(/^"/, '')).toMatch(/^'/);
    expect(cell).toContain(value.replace(/"/g, '""'));
  });

  it('leaves plain text and numbers (negative ones too) as they are', () => {
    expect(csvCell('component:default/player')).toBe(
      'component:default/player',
    );
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
  });

  it('quotes separators, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
  });
});

describe('csvTable', () => {
  it('joins rows with CRLF and ends with one', () => {
    expect(
      csvTable([
        ['a', '=b'],
        ['c', 'd'],
      ]),
    ).toBe("a,'=b\r\nc,d\r\n");
  });
});
