import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type DependencyList,
} from 'react';
import useInterval from 'react-use/esm/useInterval';

/**
 * A value loaded now and whenever `deps` change, then refetched every
 * `intervalFor(value)` ms until that says undefined. A failed refetch keeps the
 * last value next to the error, so a page does not blank out on a hiccup.
 */
export function usePolledValue<T>(
  load: () => Promise<T>,
  deps: DependencyList,
  intervalFor: (value: T | undefined) => number | undefined,
  options: { enabled?: boolean } = {},
) {
  const enabled = options.enabled ?? true;
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<Error>();

  // Only the latest load is shown: an earlier one answering late (the page the
  // user just left) must not replace it.
  const latest = useRef(0);
  // `load` is a new closure each render; `deps` say when it means something new.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const reload = useCallback(async () => {
    const call = ++latest.current;
    try {
      const loaded = await load();
      if (call !== latest.current) return;
      setValue(loaded);
      setError(undefined);
    } catch (e) {
      if (call === latest.current) setError(e as Error);
    }
  }, deps);

  useEffect(() => {
    if (enabled) reload();
  }, [reload, enabled]);

  const interval = enabled ? intervalFor(value) : undefined;
  useInterval(reload, interval ?? null);

  return {
    value,
    error,
    loading: enabled && value === undefined && !error,
    reload,
    /** The refetch interval now, undefined once nothing is expected to change. */
    interval,
  };
}
