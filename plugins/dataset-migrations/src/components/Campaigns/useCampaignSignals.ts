import {
  CAMPAIGN_SIGNAL_CHANNEL,
  type CampaignSignal,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { useChannelSignals } from '../shared/useChannelSignals';
import { useMigrationSignals } from '../shared/useMigrationSignals';

/**
 * Follows the campaigns channel, and the runs of campaigns on the migrations
 * channel (a dataset started, moved or ended, which changes no campaign state):
 * every campaign's, or one campaign's when `campaignId` is given.
 */
export function useCampaignSignals(campaignId?: string) {
  const concerns = (signal: { campaignId?: string }) =>
    signal.campaignId !== undefined &&
    (campaignId === undefined || signal.campaignId === campaignId);
  const campaigns = useChannelSignals<CampaignSignal>(
    CAMPAIGN_SIGNAL_CHANNEL,
    concerns,
  );
  const runs = useMigrationSignals(concerns);
  return { ...campaigns, changes: campaigns.changes + runs.changes };
}
