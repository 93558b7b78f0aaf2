import type { Config } from '@backstage/config';
import { readDurationMs } from './readDuration';

/*
 * Settings checked as they are read: a value out of bounds stops the backend at
 * startup with an error naming its whole key. `config` is where `key` is read;
 * `under` is that config's own key (empty at the root), so the plugin's settings
 * and an engine's (`datasetMigrations.engines.<name>`) are named alike.
 */

function wholeKey(under: string, key: string): string {
  return under ? `${under}.${key}` : key;
}

export function invalidSetting(
  under: string,
  key: string,
  rule: string,
  value: number | string,
): Error {
  return new Error(
    `Invalid config: ${wholeKey(under, key)} ${rule}, got ${value}`,
  );
}

/** A whole number of at least `min`; `fallback` when unset. */
export function readIntegerAtLeast(
  config: Config | undefined,
  under: string,
  key: string,
  fallback: number,
  min: number,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min)
    throw invalidSetting(
      under,
      key,
      `must be an integer of at least ${min}`,
      value,
    );
  return value;
}

/** A duration in milliseconds, positive or (where 0 means something) at least 0. */
export function readDurationAtLeast(
  config: Config | undefined,
  under: string,
  key: string,
  fallbackMs: number,
  min: 0 | 'positive',
): number {
  const ms = readDurationMs(config, key, fallbackMs);
  if (min === 'positive' ? !(ms > 0) : !(ms >= 0))
    throw invalidSetting(
      under,
      key,
      min === 'positive'
        ? 'must be a positive duration'
        : 'must not be negative',
      `${ms} ms`,
    );
  return ms;
}
