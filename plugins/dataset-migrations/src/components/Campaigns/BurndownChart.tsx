import { useTheme } from '@material-ui/core';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { CampaignBurndownPoint } from '@dataset-migrations/plugin-dataset-migrations-common';

const dateOnly = (ms: number) =>
  new Date(ms).toLocaleDateString(undefined, {
    month: 'short',
    day: 'numeric',
  });
const dateTime = (label: unknown) => new Date(Number(label)).toLocaleString();

/**
 * Datasets and consumers still outstanding over time, on a time axis that runs to
 * the deadline (marked), so a line that will not reach zero by then shows it.
 * Coloured from the app's theme, in the user's locale and time zone.
 */
export function BurndownChart(props: {
  points: CampaignBurndownPoint[];
  deadline: string;
}) {
  const theme = useTheme();
  const deadline = Date.parse(props.deadline);
  const data = props.points.map(point => ({
    at: Date.parse(point.at),
    datasets: point.datasetsOutstanding,
    consumers: point.consumersOutstanding,
  }));
  const first = data[0]?.at ?? Date.now();
  const last = data[data.length - 1]?.at ?? first;
  const text = theme.palette.text.secondary;
  return (
    <ResponsiveContainer width="100%" height={300}>
      <LineChart data={data} margin={{ top: 16, right: 32, left: 0 }}>
        <CartesianGrid stroke={theme.palette.divider} strokeDasharray="3 3" />
        <XAxis
          dataKey="at"
          type="number"
          scale="time"
          domain={[first, Math.max(last, deadline)]}
          tickFormatter={dateOnly}
          stroke={text}
        />
        <YAxis allowDecimals={false} stroke={text} />
        <Tooltip
          labelFormatter={dateTime}
          contentStyle={{
            background: theme.palette.background.paper,
            borderColor: theme.palette.divider,
            color: theme.palette.text.primary,
          }}
        />
        <Legend />
        <Line
          name="Datasets outstanding"
          dataKey="datasets"
          type="stepAfter"
          stroke={theme.palette.primary.main}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
        <Line
          name="Consumers outstanding"
          dataKey="consumers"
          type="stepAfter"
          stroke={theme.palette.secondary.main}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
        <ReferenceLine
          x={deadline}
          stroke={theme.palette.error.main}
          strokeDasharray="6 3"
          label={{
            value: 'Deadline',
            position: 'insideTopRight',
            fill: theme.palette.error.main,
          }}
        />
      </LineChart>
    </ResponsiveContainer>
  );
}
