import { useEffect, useRef, useState } from 'react';
import {
  CAMPAIGN_SIGNAL_CHANNEL,
  type CampaignSignal,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { useChannelSignals } from '../shared/useChannelSignals';
import { useMigrationSignals } from '../shared/useMigrationSignals';

/**
 * A run signals up to once a second (its progress, its log), and a campaign
 * runs many at once: its page reads the campaign again at most this often for
 * them.
 */
export const RUN_SIGNALS_READ_MS = 2_000;

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
  const runs = useThrottled(
    useMigrationSignals(concerns).changes,
    RUN_SIGNALS_READ_MS,
  );
  return { ...campaigns, changes: campaigns.changes + runs };
}

/** `value`, changing at most once every `ms`, its last change kept. */
function useThrottled(value: number, ms: number): number {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (value === shown) return undefined;
    const timer = setTimeout(() => {
      last.current = Date.now();
      setShown(value);
    }, Math.max(0, last.current + ms - Date.now()));
    return () => clearTimeout(timer);
  }, [value, shown, ms]);
  return shown;
}
