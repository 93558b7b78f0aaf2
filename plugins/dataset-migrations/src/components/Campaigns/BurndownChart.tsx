import { useState } from 'react';
import { Box, Button, Typography, useTheme } from '@material-ui/core';
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
import { formatMoment } from '../shared/format';
import { burndownAxis, type BurndownView } from './burndownAxis';

const dateTime = (label: unknown) => new Date(Number(label)).toLocaleString();

/**
 * Datasets and consumers still outstanding over time, on a time axis that runs to
 * the deadline (marked), so a line that will not reach zero by then shows it —
 * unless that would squeeze the progress into a sliver, when it shows the
 * progress so far and offers the deadline's view. Coloured from the app's theme,
 * in the user's locale and time zone.
 */
export function BurndownChart(props: {
  points: CampaignBurndownPoint[];
  deadline: string;
  /** When the campaign finished; while it runs, the lines reach now. */
  finishedAt?: string;
}) {
  const theme = useTheme();
  const [view, setView] = useState<BurndownView>();
  const deadline = Date.parse(props.deadline);
  const data = props.points.map(point => ({
    at: Date.parse(point.at),
    datasets: point.datasetsOutstanding,
    consumers: point.consumersOutstanding,
  }));
  const first = data[0]?.at ?? Date.now();
  const last = data[data.length - 1];
  const end = props.finishedAt ? Date.parse(props.finishedAt) : Date.now();
  // What is outstanding now is what the last change left.
  if (last && end > last.at) data.push({ ...last, at: end });
  const axis = burndownAxis(first, end, deadline, view);
  const text = theme.palette.text.secondary;
  return (
    <>
      {axis.deadlineCrowds && (
        <Box display="flex" alignItems="center" px={1} style={{ gap: 8 }}>
          <Typography
            variant="body2"
            color="textSecondary"
            style={{ flexGrow: 1 }}
          >
            {axis.showsDeadline
              ? 'Until the deadline.'
              : `Progress so far; the deadline, ${formatMoment(
                  props.deadline,
                )}, is further right.`}
          </Typography>
          <Button
            size="small"
            color="primary"
            onClick={() =>
              setView(axis.showsDeadline ? 'progress' : 'deadline')
            }
          >
            {axis.showsDeadline
              ? 'Show progress so far'
              : 'Show until deadline'}
          </Button>
        </Box>
      )}
      <ResponsiveContainer width="100%" height={300}>
        <LineChart data={data} margin={{ top: 16, right: 32, left: 0 }}>
          <CartesianGrid stroke={theme.palette.divider} strokeDasharray="3 3" />
          <XAxis
            dataKey="at"
            type="number"
            scale="time"
            domain={axis.domain}
            tickFormatter={axis.tick}
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
          {axis.showsDeadline && (
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
          )}
        </LineChart>
      </ResponsiveContainer>
    </>
  );
}
