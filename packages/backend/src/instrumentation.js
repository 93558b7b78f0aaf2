// @ts-check
/**
 * Metrics for Prometheus: an OpenTelemetry meter provider with a Prometheus
 * exporter, registered as the global one that Backstage's metrics service and
 * the plugins' instruments use. Loaded before the backend with `--require`
 * (`yarn start`, and `node --require ./src/instrumentation.js dist/index.cjs.js`
 * in production): the metrics API has no proxy, so a meter taken before this runs
 * would stay a no-op.
 *
 * The exporter serves `http://$OTEL_EXPORTER_PROMETHEUS_HOST:$OTEL_EXPORTER_PROMETHEUS_PORT/metrics`
 * (default `localhost:9464`; set the host to `0.0.0.0` for a scraper on another
 * machine). A port that cannot be bound is logged; the backend runs without it.
 *
 * Only metrics: traces and auto-instrumentation (`@opentelemetry/sdk-node`) are not
 * set up here.
 */
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  const { metrics } = require('@opentelemetry/api');
  const { MeterProvider } = require('@opentelemetry/sdk-metrics');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');

  const host =
    process.env.OTEL_EXPORTER_PROMETHEUS_HOST ||
    PrometheusExporter.DEFAULT_OPTIONS.host;
  const rawPort = process.env.OTEL_EXPORTER_PROMETHEUS_PORT;
  const port = rawPort
    ? Number(rawPort)
    : PrometheusExporter.DEFAULT_OPTIONS.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(
      `OTEL_EXPORTER_PROMETHEUS_PORT must be a port number, not "${rawPort}"`,
    );
  }

  const exporter = new PrometheusExporter({ host, port }, error => {
    if (error) {
      console.error(
        `Prometheus metrics are not served: could not listen on ${host}:${port}: ${error}`,
      );
    }
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
}
