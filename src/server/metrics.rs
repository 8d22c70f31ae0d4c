//! Prometheus metrics. One recorder per process, installed on first use, so
//! several routers (tests) can share it.
//!
//! Series: `hotline_http_requests_total{method,route,status}`,
//! `hotline_http_request_duration_seconds{route}`, `hotline_turns_total{state}`,
//! `hotline_turn_duration_seconds`, `hotline_asks_total{answered}`,
//! `hotline_decisions_total{status}`, `hotline_handoffs_total`,
//! `hotline_registrations_total`, `hotline_errors_total{code}`,
//! `hotline_sessions_started_total{channel}`, `hotline_sessions_closed_total`,
//! `hotline_turn_conflicts_total` (turns computed again because another
//! node's turn on the session landed first).

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide recorder (once) and returns its handle.
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let buckets = [
            0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ];
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &buckets)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics will be empty");
        }
        handle
    })
}

/// The current metrics in Prometheus text format.
pub fn render() -> String {
    install().render()
}
