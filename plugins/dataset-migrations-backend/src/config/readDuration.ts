import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/**
 * A duration setting in milliseconds. Every duration key of this plugin takes
 * Backstage's forms — `'30s'`, `'7d'`, ISO `'PT5M'` or `{ minutes: 5 }` — so none
 * carries a unit in its name.
 */
export function readDurationMs(
  config: Config | undefined,
  key: string,
  defaultMs: number,
): number {
  if (!config?.has(key)) return defaultMs;
  return durationToMilliseconds(readDurationFromConfig(config, { key }));
}
