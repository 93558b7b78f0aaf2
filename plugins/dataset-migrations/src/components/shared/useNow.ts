import { useState } from 'react';
import useInterval from 'react-use/esm/useInterval';

/**
 * The time now, in ms, renewed every `intervalMs` while that is set: what a
 * running duration or a gate that opens at a moment re-renders on.
 */
export function useNow(intervalMs: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), intervalMs ?? null);
  return intervalMs === undefined ? Date.now() : now;
}
