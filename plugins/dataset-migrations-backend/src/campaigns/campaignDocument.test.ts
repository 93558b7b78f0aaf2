import { parseCampaignDocument } from './campaignDocument';
import { mayStartAt } from './rolloutCalendar';
import { campaignDocument } from './__testUtils__/campaignPlans';

describe('a campaign document’s freezes', () => {
  const withFreeze = (freeze: { from: string; to: string }) =>
    campaignDocument({ rollout: { freezes: [freeze] } });

  it('takes a one-day freeze written as that day twice, which the calendar freezes whole', () => {
    const document = parseCampaignDocument(
      withFreeze({ from: '2027-12-24', to: '2027-12-24' }),
    );
    const { windows, freezes } = document.rollout;
    expect(mayStartAt(new Date('2027-12-24T18:00:00Z'), windows, freezes)).toBe(
      false,
    );
    expect(mayStartAt(new Date('2027-12-25T00:00:00Z'), windows, freezes)).toBe(
      true,
    );
    // From an instant to the end of that day.
    expect(() =>
      parseCampaignDocument(
        withFreeze({ from: '2027-12-24T18:00:00Z', to: '2027-12-24' }),
      ),
    ).not.toThrow();
  });

  it('still refuses a freeze that ends before it starts, or as it starts', () => {
    for (const freeze of [
      { from: '2027-01-02', to: '2027-01-01' },
      { from: '2027-01-02T10:00:00Z', to: '2027-01-02T10:00:00Z' },
      { from: '2027-01-03T00:00:00Z', to: '2027-01-02' },
    ])
      expect(() => parseCampaignDocument(withFreeze(freeze))).toThrow(
        'rollout.freezes[0].to: must be after from',
      );
  });
});

describe('a campaign document’s dates', () => {
  it('refuses a day the calendar does not have, which Date.parse rolls over', () => {
    for (const deadline of ['2027-02-30', '2027-02-29T12:00:00Z', '2027-13-01'])
      expect(() =>
        parseCampaignDocument(campaignDocument({ deadline })),
      ).toThrow('deadline: must be a date or date-time');
    for (const from of ['2027-04-31', '2027-06-31T00:00:00Z'])
      expect(() =>
        parseCampaignDocument(
          campaignDocument({
            rollout: { freezes: [{ from, to: '2027-07-02' }] },
          }),
        ),
      ).toThrow('rollout.freezes[0].from: must be a date or date-time');
    expect(
      parseCampaignDocument(campaignDocument({ deadline: '2028-02-29' }))
        .deadline,
    ).toBe('2028-02-29');
  });
});
