import { consumerDecisionRequestSchema, describeIssues } from './schemas';
import { decisionRefusal, needsDecision } from './consumers';

function problems(body: unknown): string[] {
  const result = consumerDecisionRequestSchema.safeParse(body);
  return result.success ? [] : describeIssues(result.error);
}

describe('consumerDecisionRequestSchema', () => {
  const entityRef = 'component:default/churn-model';

  it('asks a reason to keep a field or exclude a consumer, not to hand it to the agent', () => {
    expect(problems({ entityRef, decision: 'agent' })).toEqual([]);
    expect(
      problems({ entityRef, decision: 'exclude', reason: 'retired' }),
    ).toEqual([]);
    expect(problems({ entityRef, decision: 'exclude' })).toEqual([
      'reason: is required to exclude a consumer',
    ]);
    expect(
      problems({ entityRef, decision: 'keep-field', reason: '   ' }),
    ).toEqual(['reason: is required to keep the field']);
  });

  it('names each problem', () => {
    expect(problems({ decision: 'ignore', extra: 1 })).toEqual(
      expect.arrayContaining([
        'entityRef: Required',
        'decision: must be one of keep-field, exclude, agent',
      ]),
    );
  });

  it('knows a consumer that waits for a decision', () => {
    expect(
      needsDecision({
        state: 'failed',
        failure: { kind: 'needs-decision' },
      }),
    ).toBe(true);
    expect(
      needsDecision({ state: 'failed', failure: { kind: 'unparseable' } }),
    ).toBe(false);
    expect(needsDecision({ state: 'kept' })).toBe(false);
  });
});

describe('decisionRefusal', () => {
  const file = (over: object = {}) => ({
    path: 'models/report.sql',
    status: 'needs-decision' as const,
    fields: ['bonus'],
    lines: [3],
    ...over,
  });

  it('refuses keeping the field and the agent for code that fails through a view, not excluding it', () => {
    const impact = {
      dbtPackagesMarked: true as const,
      files: [
        file(),
        file({ path: 'etl/load.py', needsTable: true }),
        file({ path: 'etl/dump.sh', needsTable: true }),
      ],
    };
    expect(decisionRefusal('keep-field', impact)).toBe(
      'etl/load.py, etl/dump.sh run code that fails or misreads from the cut-over on, whatever is decided (its reason says why): change the code and retry the consumer, or exclude it',
    );
    expect(decisionRefusal('agent', impact)).toMatch(
      /^the coding agent patches only after the cut-over, and etl\/load\.py, etl\/dump\.sh run code that fails/,
    );
    expect(decisionRefusal('exclude', impact)).toBeUndefined();
  });

  it('takes every decision for code that only reads a changed field', () => {
    const impact = { dbtPackagesMarked: true as const, files: [file()] };
    for (const kind of ['keep-field', 'agent', 'exclude'] as const)
      expect(decisionRefusal(kind, impact)).toBeUndefined();
  });
});
