import {
  CAMPAIGN_SIGNAL_CHANNEL,
  type CampaignSignal,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { useChannelSignals } from '../shared/useChannelSignals';

/**
 * Follows the campaigns channel: every campaign's changes, or one campaign's when
 * `campaignId` is given.
 */
export function useCampaignSignals(campaignId?: string) {
  return useChannelSignals<CampaignSignal>(
    CAMPAIGN_SIGNAL_CHANNEL,
    signal => campaignId === undefined || signal.campaignId === campaignId,
  );
}
