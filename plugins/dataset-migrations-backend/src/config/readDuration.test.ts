import { ConfigReader } from '@backstage/config';
import { readDurationMs } from './readDuration';

describe('readDurationMs', () => {
  it('reads every form Backstage accepts and falls back to the default', () => {
    const config = new ConfigReader({
      short: '500ms',
      human: '2 minutes',
      iso: 'PT1H',
      object: { days: 7 },
    });
    expect(readDurationMs(config, 'short', 1)).toBe(500);
    expect(readDurationMs(config, 'human', 1)).toBe(120_000);
    expect(readDurationMs(config, 'iso', 1)).toBe(3_600_000);
    expect(readDurationMs(config, 'object', 1)).toBe(7 * 86_400_000);
    expect(readDurationMs(config, 'missing', 42)).toBe(42);
    expect(readDurationMs(undefined, 'missing', 42)).toBe(42);
  });

  it('names the key when a value is not a duration', () => {
    const config = new ConfigReader({ lease: '30', other: 'soon' });
    expect(() => readDurationMs(config, 'lease', 1)).toThrow(/lease/);
    expect(() => readDurationMs(config, 'other', 1)).toThrow(/other/);
  });
});
