import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import {
  DataPointType,
  MeterProvider,
  MetricReader,
  type CollectionResult,
} from '@opentelemetry/sdk-metrics';

/** A reader that collects when a test asks, as a Prometheus scrape does. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** One data point: a counter's or gauge's value, or a histogram's count and sum. */
export interface Point {
  attributes: Record<string, unknown>;
  value: number;
  /** For histograms. */
  count?: number;
}

/**
 * Test-only: a real OpenTelemetry meter, to stand in for Backstage's metrics
 * service (which is a thin wrapper over a meter of the global provider), and
 * collection on demand.
 */
export function createTestMeter(): {
  metrics: MetricsService;
  /** Collects every instrument, as an exporter would; fails on collection errors. */
  collect(): Promise<Map<string, Point[]>>;
  shutdown(): Promise<void>;
} {
  const reader = new OnDemandReader();
  const provider = new MeterProvider({ readers: [reader] });
  return {
    metrics: provider.getMeter('backstage-plugin-dataset-migrations'),
    async collect() {
      const { resourceMetrics, errors }: CollectionResult =
        await reader.collect();
      if (errors.length > 0)
        throw new Error(`collection errors: ${errors.join('; ')}`);
      const byName = new Map<string, Point[]>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          byName.set(
            metric.descriptor.name,
            metric.dataPoints.map(point => {
              const value = point.value as
                | number
                | { count: number; sum?: number };
              return metric.dataPointType === DataPointType.HISTOGRAM
                ? {
                    attributes: point.attributes,
                    value: (value as { sum?: number }).sum ?? 0,
                    count: (value as { count: number }).count,
                  }
                : { attributes: point.attributes, value: value as number };
            }),
          );
        }
      }
      return byName;
    },
    shutdown: () => provider.shutdown(),
  };
}
