import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type DependencyList,
} from 'react';
import useInterval from 'react-use/esm/useInterval';

/**
 * A number that changes whenever one of `deps` does, compared as React compares
 * a dependency list, so an effect can list it in place of `deps`.
 */
function useDepsVersion(deps: DependencyList): number {
  const seen = useRef({ deps, version: 0 });
  const previous = seen.current.deps;
  const changed =
    previous.length !== deps.length ||
    deps.some((dep, i) => !Object.is(dep, previous[i]));
  if (changed) seen.current = { deps, version: seen.current.version + 1 };
  return seen.current.version;
}

/**
 * A value loaded now and whenever `deps` change, then refetched every
 * `intervalFor(value)` ms until that says undefined. A failed refetch keeps the
 * last value next to the error, so a page does not blank out on a hiccup.
 */
export function usePolledValue<T>(
  load: () => Promise<T>,
  deps: DependencyList,
  intervalFor: (value: T | undefined) => number | undefined,
  options: {
    enabled?: boolean;
    /**
     * Forget the value while disabled, so that enabled again it shows nothing
     * until it has loaded anew, rather than what it held when last enabled.
     */
    forgetWhileDisabled?: boolean;
  } = {},
) {
  const enabled = options.enabled ?? true;
  const forget = options.forgetWhileDisabled ?? false;
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<Error>();

  // `load` is a new closure each render; every load (the first, a poll, or the
  // caller's reload) runs the latest one, never one of an earlier render.
  const latestLoad = useRef(load);
  latestLoad.current = load;
  // `deps` say when `load` means something new, and so when to load again.
  const depsVersion = useDepsVersion(deps);

  // Only the latest load is shown: an earlier one answering late (the page the
  // user just left) must not replace it.
  const latest = useRef(0);
  const reload = useCallback(async () => {
    const call = ++latest.current;
    try {
      const loaded = await latestLoad.current();
      if (call !== latest.current) return;
      setValue(loaded);
      setError(undefined);
    } catch (e) {
      if (call === latest.current) setError(e as Error);
    }
  }, []);

  useEffect(() => {
    if (enabled) reload();
  }, [reload, enabled, depsVersion]);

  useEffect(() => {
    if (enabled || !forget) return;
    // A load still under way answers for the last time it was enabled.
    latest.current++;
    setValue(undefined);
    setError(undefined);
  }, [enabled, forget]);

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
