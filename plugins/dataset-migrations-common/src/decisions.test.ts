import { consumerDecisionRequestSchema, describeIssues } from './schemas';
import { needsDecision } from './consumers';

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
