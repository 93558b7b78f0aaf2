import {
  inferChanges,
  nameSimilarity,
  targetSchemaSchema,
  MAX_TARGET_FIELDS,
  type TargetSchema,
} from './inference';
import type { DatasetField } from './types';

const field = (
  name: string,
  type: string,
  primaryKey = false,
): DatasetField => ({
  name,
  type,
  nullable: !primaryKey,
  primaryKey,
});

const source = [
  field('event_id', 'bigint', true),
  field('country', 'text'),
  field('city', 'text'),
  field('duration_ms', 'integer'),
  field('legacy_flag', 'boolean'),
];

describe('inferChanges', () => {
  it('keeps same names, changes types, renames clear look-alikes, adds and drops the rest, each with a reason', async () => {
    const inferred = await inferChanges(source, [
      { name: 'event_id', type: 'bigint' },
      { name: 'duration_ms', type: 'bigint' },
      { name: 'country_code', type: 'text' },
      { name: 'city', type: 'text' },
      { name: 'source', type: 'text' },
    ]);
    expect(inferred.map(i => i.change)).toEqual([
      { changeType: { field: 'duration_ms', type: 'bigint' } },
      { renameField: { from: 'country', to: 'country_code' } },
      { addField: { name: 'source', type: 'text' } },
      { dropField: { name: 'legacy_flag' } },
    ]);
    expect(inferred[0].evidence).toEqual({
      confidence: 'certain',
      reason: 'same name; type integer → bigint',
    });
    expect(inferred[1].evidence).toMatchObject({
      confidence: 'guess',
      nameSimilarity: 0.64,
    });
    expect(inferred[1].evidence.reason).toBe('same type text, names 64% alike');
    expect(inferred[2].evidence.reason).toBe(
      'no unmatched source field of type text',
    );
    expect(inferred[3].evidence.reason).toBe(
      '"legacy_flag" is not in the target schema',
    );
  });

  it('lets sampled values decide between look-alikes, and says when nothing decides', async () => {
    const regions = [
      field('id', 'bigint', true),
      field('region', 'text'),
      field('region_id', 'text'),
    ];
    const samples: Record<string, string[]> = {
      region: ['Stockholm', 'Uppsala'],
      region_id: ['SE-AB', 'SE-C'],
    };
    const overlap = async (name: string, examples: string[]) =>
      examples.filter(e => samples[name]?.includes(e)).length / examples.length;
    const target: TargetSchema['fields'] = [
      { name: 'id', type: 'bigint' },
      { name: 'region_code', type: 'text', examples: ['SE-AB', 'SE-M'] },
    ];
    // "region_code" is about as like "region" (60%) as "region_id" (70%): the examples decide.
    const byValues = await inferChanges(regions, target, overlap);
    expect(byValues[0]).toEqual({
      change: { renameField: { from: 'region_id', to: 'region_code' } },
      evidence: expect.objectContaining({
        confidence: 'likely',
        valueOverlap: 0.5,
        nameSimilarity: 0.7,
      }),
    });
    expect(byValues[0].evidence.reason).toBe(
      'same type text; names did not decide; 50% of the examples appear in "region_id" (next: "region", 0%)',
    );
    expect(byValues[1].change).toEqual({ dropField: { name: 'region' } });

    // Without examples nothing decides: it is added, and the person is asked.
    const undecided = await inferChanges(
      regions,
      [target[0], { name: 'region_code', type: 'text' }],
      overlap,
    );
    expect(undecided[0].change).toEqual({
      addField: { name: 'region_code', type: 'text' },
    });
    expect(undecided[0].evidence).toEqual({
      confidence: 'guess',
      reason:
        'no unmatched text field is clearly the same ("region_id" 70%, "region" 60%); confirm, or make it a rename',
    });
  });

  it('lets the examples decide over names that are only somewhat alike', async () => {
    // "country_code" is only somewhat like "country"; "market" holds other values.
    const sourceWithMarket = [
      field('id', 'bigint', true),
      field('country', 'text'),
      field('market', 'text'),
    ];
    const samples: Record<string, string[]> = {
      country: ['SE', 'US', 'DE', 'GB'],
      market: ['nordics', 'dach'],
    };
    const overlap = async (name: string, examples: string[]) =>
      examples.filter(e => samples[name]?.includes(e)).length / examples.length;
    const target: TargetSchema['fields'] = [
      { name: 'id', type: 'bigint' },
      { name: 'country_code', type: 'text', examples: ['SE', 'US', 'DE'] },
    ];
    const [rename] = await inferChanges(sourceWithMarket, target, overlap);
    expect(rename.change).toEqual({
      renameField: { from: 'country', to: 'country_code' },
    });
    expect(rename.evidence.confidence).toBe('likely');
    expect(rename.evidence.valueOverlap).toBe(1);
    expect(rename.evidence.reason).toMatch(
      /names only \d+% alike; 100% of the examples appear in "country" \(next: "market", 0%\)/,
    );

    // Examples that point elsewhere win over the names.
    const elsewhere = await inferChanges(
      sourceWithMarket,
      [target[0], { ...target[1], examples: ['nordics'] }],
      overlap,
    );
    expect(elsewhere[0].change).toEqual({
      renameField: { from: 'market', to: 'country_code' },
    });
  });

  it('measures name similarity without separators', () => {
    expect(nameSimilarity('played_at', 'playedat')).toBe(1);
    expect(nameSimilarity('abc', 'xyz')).toBe(0);
  });

  it('validates the desired schema, naming the field', () => {
    const result = targetSchemaSchema.safeParse({
      entityRef: 'resource:x',
      fields: [{ name: 'a', type: 'varchar2' }],
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({
      path: ['fields', 0, 'type'],
    });
  });

  it('takes at most MAX_TARGET_FIELDS fields, saying why', () => {
    const fields = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `f${i}`, type: 'text' }));
    const parse = (n: number) =>
      targetSchemaSchema.safeParse({
        entityRef: 'resource:x',
        fields: fields(n),
      });
    expect(parse(MAX_TARGET_FIELDS).success).toBe(true);
    const refused = parse(MAX_TARGET_FIELDS + 1);
    expect(refused.success).toBe(false);
    expect(refused.error!.issues[0]).toMatchObject({
      path: ['fields'],
      message: expect.stringMatching(/^must list at most 500 fields/),
    });
  });
});
