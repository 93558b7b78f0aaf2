import { useEffect, useRef, useState } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';

/** A signal's message: a JSON object. */
type SignalMessage = NonNullable<ReturnType<typeof useSignal>['lastSignal']>;

/**
 * With signals, polling only covers a message that never arrived (a backend
 * replica without an events bus, a dropped socket), so it can be slow.
 */
export const SIGNALLED_POLL_MS = 30_000;

/**
 * Follows one of the plugin's signal channels for the messages `concerns` picks
 * out. `changes` counts them, to use as a dependency that refetches; signals carry
 * ids only, so the view reads the change with the user's own credentials.
 * `pollMs` turns the interval a view would poll at without signals into the slow
 * fallback when signals are there.
 */
export function useChannelSignals<TMessage extends SignalMessage>(
  channel: string,
  concerns: (signal: TMessage) => boolean,
) {
  const { lastSignal, isSignalsAvailable } = useSignal<TMessage>(channel);
  const [changes, setChanges] = useState(0);
  // The predicate is a new closure each render; the latest one decides.
  const concernsRef = useRef(concerns);
  concernsRef.current = concerns;
  useEffect(() => {
    if (lastSignal && concernsRef.current(lastSignal)) setChanges(n => n + 1);
  }, [lastSignal]);
  return {
    changes,
    isSignalsAvailable,
    pollMs: (withoutSignalsMs: number | undefined) =>
      withoutSignalsMs === undefined || !isSignalsAvailable
        ? withoutSignalsMs
        : Math.max(withoutSignalsMs, SIGNALLED_POLL_MS),
  };
}
