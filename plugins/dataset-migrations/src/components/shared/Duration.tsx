import { formatMs } from './format';
import { useNow } from './useNow';

/** How often a running duration moves on: it shows whole seconds. */
const TICK_MS = 1000;

/**
 * "1 min 5 s": how long a run or step took, or, while `running`, how long it has
 * taken so far, ticking live.
 */
export function Duration(props: {
  startedAt?: string;
  finishedAt?: string;
  running: boolean;
}) {
  const { startedAt, finishedAt, running } = props;
  const now = useNow(startedAt && !finishedAt && running ? TICK_MS : undefined);
  if (!startedAt) return <>—</>;
  const end = finishedAt ? Date.parse(finishedAt) : now;
  return <>{formatMs(Math.max(0, end - Date.parse(startedAt)))}</>;
}
