import type { ZodTypeAny } from 'zod';
import { FIELD_TYPES, isFieldType } from './fieldTypes';
import {
  MAX_TARGET_VERSION,
  consumerDecisionRequestSchema,
  createMigrationRequestSchema,
  describeIssues,
  rejectMigrationRequestSchema,
  rollbackRequestSchema,
} from './schemas';
import { campaignActionRequestSchema } from './campaigns';

function problemsOf(body: unknown): string[] {
  const result = createMigrationRequestSchema.safeParse(body);
  if (result.success) {
    throw new Error(`expected ${JSON.stringify(body)} to be rejected`);
  }
  return describeIssues(result.error);
}

const valid = {
  entityRef: 'resource:default/events',
  targetVersion: 2,
  changes: [{ renameField: { from: 'user_id', to: 'listener_id' } }],
};

describe('createMigrationRequestSchema', () => {
  it('accepts a valid request and defaults dryRun to false', () => {
    const result = createMigrationRequestSchema.safeParse(valid);
    expect(result.success).toBe(true);
    expect(result.success && result.data).toEqual({ ...valid, dryRun: false });
  });

  it('accepts every kind of change and every supported type', () => {
    const changes = [
      { renameField: { from: 'a', to: 'b' } },
      { dropField: { name: 'c' } },
      ...FIELD_TYPES.map((type, i) => ({
        addField: { name: `f${i}`, type, default: null },
      })),
      ...FIELD_TYPES.map(type => ({ changeType: { field: 'd', type } })),
    ];
    const result = createMigrationRequestSchema.safeParse({
      ...valid,
      changes,
      dryRun: true,
    });
    expect(result.success).toBe(true);
  });

  it("refuses a date or time default read from the clock ('now', 'today'…), naming it, and takes a fixed time or 'now' as text", () => {
    for (const [type, value] of [
      ['timestamptz', 'now'],
      ['timestamp', ' NOW '],
      ['date', 'today'],
      ['date', 'Tomorrow'],
      ['timestamptz', 'yesterday'],
      ['timestamp', 'today 10:00'],
      ['timestamptz', '\tnow\n'],
    ]) {
      expect(
        problemsOf({
          ...valid,
          changes: [{ addField: { name: 'x', type, default: value } }],
        }),
      ).toEqual([
        expect.stringMatching(
          /^changes\[0\]\.addField\.default: 'now', 'today', 'tomorrow' and 'yesterday' are read as the time each value is cast/,
        ),
      ]);
    }
    for (const [type, value] of [
      ['timestamptz', '2026-01-01 00:00:00+00'],
      ['text', 'now'],
      ['date', 'infinity'],
    ]) {
      const body = {
        ...valid,
        changes: [{ addField: { name: 'x', type, default: value } }],
      };
      expect(createMigrationRequestSchema.safeParse(body).success).toBe(true);
    }
  });

  it('accepts string, number, boolean and null defaults', () => {
    for (const value of ['x', 3, true, null]) {
      const body = {
        ...valid,
        changes: [{ addField: { name: 'x', type: 'text', default: value } }],
      };
      expect(createMigrationRequestSchema.safeParse(body).success).toBe(true);
    }
  });

  it('refuses a target version the integer column cannot hold or that leaves no next version', () => {
    expect(
      createMigrationRequestSchema.safeParse({
        ...valid,
        targetVersion: MAX_TARGET_VERSION,
      }).success,
    ).toBe(true);
    for (const targetVersion of [MAX_TARGET_VERSION + 1, 2 ** 31, 1e20]) {
      expect(problemsOf({ ...valid, targetVersion })).toEqual([
        expect.stringMatching(
          /^targetVersion: must be at most 2147483646: versions are 32-bit integers/,
        ),
      ]);
    }
  });

  it('refuses a NUL character in any string it stores, naming where', () => {
    expect(
      problemsOf({ ...valid, entityRef: 'resource:default/a\u0000' }),
    ).toEqual(['entityRef: must not contain a NUL character (\\u0000)']);
    expect(
      problemsOf({
        ...valid,
        changes: [
          { addField: { name: 'x', type: 'text', default: 'a\u0000b' } },
          { deriveField: { field: 'y', expression: "lower(y) || '\u0000'" } },
        ],
      }),
    ).toEqual([
      'changes[0].addField.default: must not contain a NUL character (\\u0000)',
      'changes[1].deriveField.expression: must not contain a NUL character (\\u0000)',
    ]);
  });

  it('refuses a lone UTF-16 surrogate in any string it stores, naming where, and takes a surrogate pair', () => {
    const LONE =
      'must not contain a lone UTF-16 surrogate (\\ud800-\\udfff without its pair): it is not a character';
    expect(
      problemsOf({
        ...valid,
        entityRef: 'resource:default/a\ud800',
        changes: [
          { addField: { name: 'x', type: 'text', default: '\udc00a' } },
          { deriveField: { field: 'y', expression: "y || '\ud83d'" } },
        ],
      }),
    ).toEqual([
      `entityRef: ${LONE}`,
      `changes[0].addField.default: ${LONE}`,
      `changes[1].deriveField.expression: ${LONE}`,
    ]);
    // A low surrogate before a high one is two lone ones, not a pair.
    expect(
      problemsOf({
        ...valid,
        changes: [
          { addField: { name: 'x', type: 'text', default: '\udc00\ud800' } },
        ],
      }),
    ).toEqual([`changes[0].addField.default: ${LONE}`]);
    const pair = {
      ...valid,
      changes: [
        { addField: { name: 'x', type: 'text', default: '\ud83d\ude00' } },
      ],
    };
    expect(createMigrationRequestSchema.safeParse(pair).success).toBe(true);
  });

  it('refuses an entity reference longer than any entity can have', () => {
    expect(
      problemsOf({
        ...valid,
        entityRef: `resource:default/${'a'.repeat(900_000)}`,
      }),
    ).toEqual(['entityRef: must be at most 300 characters']);
  });

  it('refuses to move a dataset into a system schema', () => {
    for (const to of [
      'pg_catalog.plays',
      'information_schema.plays',
      'pg_toast.x',
    ])
      expect(problemsOf({ ...valid, renameDataset: { to } })).toEqual([
        'renameDataset.to: must not be in a system schema (pg_* or information_schema)',
      ]);
  });
});

describe('text a person writes for others', () => {
  const problems = (schema: ZodTypeAny, body: unknown) => {
    const result = schema.safeParse(body);
    return result.success ? [] : describeIssues(result.error);
  };

  it('refuses each bidirectional formatting control, naming it, and takes right-to-left letters', () => {
    for (const control of [
      '\u202a',
      '\u202b',
      '\u202c',
      '\u202d',
      '\u202e',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ]) {
      const code = control.charCodeAt(0).toString(16);
      const says = `must not contain a bidirectional formatting control (\\u${code}): it would reorder the text shown after it`;
      expect(
        problems(rollbackRequestSchema, {
          override: { reason: `${control}MP 54:91:1 ,6202/6/21` },
        }),
      ).toEqual([`override.reason: ${says}`]);
      expect(
        problems(consumerDecisionRequestSchema, {
          entityRef: 'component:default/x',
          decision: 'keep-field',
          reason: `keep ${control}it`,
        }),
      ).toEqual([`reason: ${says}`]);
      expect(
        problems(rejectMigrationRequestSchema, {
          comment: `no${control}`,
        }),
      ).toEqual([`comment: ${says}`]);
      expect(
        problems(campaignActionRequestSchema, {
          reason: `${control}x`,
        }),
      ).toEqual([`reason: ${says}`]);
    }
    expect(
      problems(rollbackRequestSchema, {
        override: { reason: 'שלום עולם — مرحبا, the new version loses writes' },
      }),
    ).toEqual([]);
    // An expression is shown to who reviews the plan.
    expect(
      problems(createMigrationRequestSchema, {
        ...valid,
        changes: [
          {
            addField: {
              name: 'x',
              type: 'integer',
              expression: "CASE WHEN user_id > 0 THEN 'a\u202eb' END",
            },
          },
        ],
      }),
    ).toEqual([
      'changes[0].addField.expression: must not contain a bidirectional formatting control (\\u202e): it would reorder the text shown after it',
    ]);
  });
});

describe('describeIssues', () => {
  it('rejects an unsupported type and names the change, the field and the type', () => {
    const problems = problemsOf({
      ...valid,
      changes: [
        { renameField: { from: 'a', to: 'b' } },
        { addField: { name: 'country', type: 'varchar(2)' } },
      ],
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^changes\[1\]\.addField\.type: unsupported type "varchar\(2\)" \(supported: /,
    );
    expect(problems[0]).toContain(FIELD_TYPES.join(', '));
  });

  it('rejects an unsupported type in changeType', () => {
    expect(
      problemsOf({
        ...valid,
        changes: [{ changeType: { field: 'a', type: 'money' } }],
      }),
    ).toEqual([
      expect.stringMatching(
        /^changes\[0\]\.changeType\.type: unsupported type "money"/,
      ),
    ]);
  });

  it('reports a bad field name at its path', () => {
    expect(
      problemsOf({
        ...valid,
        changes: [{ renameField: { from: 'user_id', to: 'Listener-Id' } }],
      }),
    ).toEqual([
      'changes[0].renameField.to: must start with a lower-case letter or _ and hold only a-z, 0-9 and _',
    ]);
    expect(
      problemsOf({
        ...valid,
        changes: [{ dropField: { name: 'x'.repeat(64) } }],
      }),
    ).toEqual(['changes[0].dropField.name: must be at most 63 characters']);
  });

  it('reports a missing member of the change the user meant', () => {
    expect(
      problemsOf({ ...valid, changes: [{ renameField: { from: 'user_id' } }] }),
    ).toEqual(['changes[0].renameField.to: Required']);
  });

  it('reports an unknown change kind as one line listing the kinds', () => {
    expect(
      problemsOf({
        ...valid,
        changes: [{ renameColumn: { from: 'a', to: 'b' } }],
      }),
    ).toEqual([
      'changes[0]: must be one of renameField, addField, dropField, changeType, deriveField',
    ]);
  });

  it('reports an unknown key inside a change at its path', () => {
    const problems = problemsOf({
      ...valid,
      changes: [{ dropField: { name: 'a', cascade: true } }],
    });
    expect(problems).toEqual([
      "changes[0].dropField: Unrecognized key(s) in object: 'cascade'",
    ]);
  });

  it('names each problem of a request with several', () => {
    const problems = problemsOf({
      entityRef: '',
      targetVersion: 1.5,
      changes: [
        { addField: { name: 'ok', type: 'text' } },
        { changeType: { field: 'duration', type: 'int4' } },
        { dropField: { name: '9lives' } },
      ],
      extra: 1,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'entityRef: is required',
        'targetVersion: must be a whole number',
        expect.stringMatching(
          /^changes\[1\]\.changeType\.type: unsupported type "int4"/,
        ),
        expect.stringMatching(
          /^changes\[2\]\.dropField\.name: must start with/,
        ),
        expect.stringMatching(/^Unrecognized key\(s\) in object: 'extra'/),
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('rejects wrong kinds of targetVersion and changes', () => {
    expect(problemsOf({ ...valid, targetVersion: '2' })).toEqual([
      'targetVersion: must be a number',
    ]);
    expect(problemsOf({ ...valid, targetVersion: 0 })).toEqual([
      'targetVersion: must be above 0',
    ]);
    expect(problemsOf({ ...valid, changes: [] })).toEqual([
      'changes: must hold at least one change, or renameDataset',
    ]);
    expect(
      createMigrationRequestSchema.safeParse({
        ...valid,
        changes: [],
        renameDataset: { to: 'analytics.plays' },
      }).success,
    ).toBe(true);
    expect(
      problemsOf({ ...valid, renameDataset: { to: 'Analytics.plays; drop' } }),
    ).toEqual([
      'renameDataset.to: must be name or schema.name in lower-case letters, digits and _ (a name of at most 60 characters, leaving room for its version suffix)',
    ]);
    expect(
      problemsOf({
        ...valid,
        changes: Array.from({ length: 201 }, () => valid.changes[0]),
      }),
    ).toEqual(['changes: must hold at most 200 changes']);
  });

  it('says a problem of the whole body alone: the caller names what it is', () => {
    // `Invalid migration spec: Expected object, received string`.
    expect(problemsOf('nope')).toEqual(['Expected object, received string']);
  });
});

describe('isFieldType', () => {
  it('accepts the listed types only', () => {
    expect(isFieldType('timestamptz')).toBe(true);
    expect(isFieldType('double precision')).toBe(true);
    expect(isFieldType('varchar')).toBe(false);
    expect(isFieldType('INTEGER')).toBe(false);
  });
});
