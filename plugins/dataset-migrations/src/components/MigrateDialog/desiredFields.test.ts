import { parseDesiredFields } from './desiredFields';

describe('parseDesiredFields', () => {
  it('reads name, type and examples, one field a line', () => {
    expect(
      parseDesiredFields(
        'event_id bigint\n\n  country_code text SE, US ,GB\nscore double precision 1.5,2\n',
      ),
    ).toEqual([
      { name: 'event_id', type: 'bigint' },
      { name: 'country_code', type: 'text', examples: ['SE', 'US', 'GB'] },
      { name: 'score', type: 'double precision', examples: ['1.5', '2'] },
    ]);
  });
});
