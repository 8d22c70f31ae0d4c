//! Middleware around the router, outermost last: request ids, tracing
//! spans carrying them, metrics, panics turned into logged 500s, timeouts
//! and per-IP rate limits.

use std::any::Any;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{ConnectInfo, MatchedPath, Request};
use axum::http::{HeaderValue, Response};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use tower_governor::GovernorError;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::{ApiError, Settings};
use crate::server::ErrorCode;

/// Request ids: a random prefix per process and a counter, so ids are
/// unique across restarts without a UUID per request.
#[derive(Clone)]
struct CountingRequestId {
    prefix: String,
    counter: std::sync::Arc<AtomicU64>,
}

impl MakeRequestId for CountingRequestId {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        let number = self.counter.fetch_add(1, Ordering::Relaxed);
        let id = format!("{}-{number}", self.prefix);
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// The client's IP; requests without connection info (in-process tests)
/// share one key.
#[derive(Clone)]
pub struct ClientIp;

impl KeyExtractor for ClientIp {
    type Key = IpAddr;

    fn extract<T>(&self, request: &axum::http::Request<T>) -> Result<IpAddr, GovernorError> {
        Ok(request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)))
    }
}

/// The `{id}` of `/v1/sessions/{id}/…`, for per-session limits.
#[derive(Clone)]
pub struct SessionInPath;

impl KeyExtractor for SessionInPath {
    type Key = String;

    fn extract<T>(&self, request: &axum::http::Request<T>) -> Result<String, GovernorError> {
        Ok(request
            .uri()
            .path()
            .split('/')
            .nth(3)
            .unwrap_or_default()
            .to_string())
    }
}

/// A 429 in the API's error shape.
pub fn too_many_requests(error: GovernorError) -> Response<Body> {
    match error {
        GovernorError::TooManyRequests { wait_time, .. } => {
            let mut response = ApiError::new(
                ErrorCode::RateLimited,
                format!("too many requests; retry in {wait_time} s"),
            )
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&wait_time.to_string()) {
                response.headers_mut().insert("retry-after", value);
            }
            response
        }
        other => ApiError::internal(format!("rate limiter: {other}")).into_response(),
    }
}

fn period(per_second: u32) -> Duration {
    // Nanoseconds, never zero: a very high configured rate must still give
    // the limiter a period, or it refuses to start.
    Duration::from_nanos((1_000_000_000 / u64::from(per_second.max(1))).max(1))
}

/// Drops limiter state of clients and sessions that have gone quiet, so
/// the limiters' memory does not grow with every key ever seen.
fn forget_idle_keys_forever<K, M>(
    config: std::sync::Arc<tower_governor::governor::GovernorConfig<K, M>>,
) where
    K: KeyExtractor + Send + Sync + 'static,
    K::Key: Send + Sync,
    M: governor::middleware::RateLimitingMiddleware<governor::clock::QuantaInstant>
        + Send
        + Sync
        + 'static,
{
    // Outside a runtime (a router built for a one-off call) there is
    // nothing long-lived to clean.
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            config.limiter().retain_recent();
        }
    });
}

/// Limits requests per session on the session routes of `router`.
pub fn limit_per_session<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    settings: &Settings,
) -> Router<S> {
    let config = GovernorConfigBuilder::default()
        .period(period(settings.session_rate_per_second))
        .burst_size(settings.session_burst.max(1))
        .key_extractor(SessionInPath)
        .finish()
        .expect("period and burst are non-zero");
    let config = std::sync::Arc::new(config);
    forget_idle_keys_forever(config.clone());
    router.route_layer(tower_governor::GovernorLayer::new(config).error_handler(too_many_requests))
}

/// Counts and times every request by its route template (never its
/// concrete path, which would carry session ids).
async fn record_metrics(request: Request, next: Next) -> Response<Body> {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("hotline_http_requests_total", "method" => method, "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("hotline_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// A request that ran past the timeout (the only error the inner stack
/// can raise) becomes a JSON 408.
async fn timed_out(error: tower::BoxError) -> ApiError {
    if error.is::<tower::timeout::error::Elapsed>() {
        ApiError::new(
            ErrorCode::Timeout,
            "the request took too long; please retry",
        )
    } else {
        ApiError::internal(error)
    }
}

fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    metrics::counter!("hotline_panics_total").increment(1);
    ApiError::internal(format!("handler panicked: {detail}")).into_response()
}

/// Wraps the router in the middleware stack.
pub fn wrap(router: Router, settings: &Settings) -> Router {
    let ip_limit = GovernorConfigBuilder::default()
        .period(period(settings.ip_rate_per_second))
        .burst_size(settings.ip_burst.max(1))
        .key_extractor(ClientIp)
        .finish()
        .expect("period and burst are non-zero");
    let ip_limit = std::sync::Arc::new(ip_limit);
    forget_idle_keys_forever(ip_limit.clone());
    let request_ids = CountingRequestId {
        prefix: format!("{:08x}", rand::random::<u32>()),
        counter: Default::default(),
    };
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &axum::http::Request<Body>| {
            let id = request
                .headers()
                .get("x-request-id")
                .and_then(|value| value.to_str().ok())
                .unwrap_or("-");
            // The path only: queries may carry an access token.
            tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
        })
        .on_response(DefaultOnResponse::new().level(Level::INFO));
    router
        .layer(middleware::from_fn(record_metrics))
        .layer(
            tower::ServiceBuilder::new()
                .layer(HandleErrorLayer::new(timed_out))
                .layer(tower::timeout::TimeoutLayer::new(settings.request_timeout)),
        )
        .layer(tower_governor::GovernorLayer::new(ip_limit).error_handler(too_many_requests))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(trace)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(request_ids))
}

#[cfg(test)]
mod tests {
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_becomes_a_json_500() {
        async fn explode() -> &'static str {
            panic!("boom")
        }
        let router = wrap(
            Router::new().route("/boom", get(explode)),
            &Settings::default(),
        );
        let response = router
            .oneshot(
                axum::http::Request::get("/boom")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            axum::http::StatusCode::INTERNAL_SERVER_ERROR
        );
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "internal");
    }

    #[tokio::test]
    async fn a_slow_handler_times_out_with_408() {
        async fn slow() -> &'static str {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        }
        let settings = Settings {
            request_timeout: Duration::from_millis(50),
            ..Settings::default()
        };
        let router = wrap(Router::new().route("/slow", get(slow)), &settings);
        let response = router
            .oneshot(
                axum::http::Request::get("/slow")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), axum::http::StatusCode::REQUEST_TIMEOUT);
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "timeout");
    }

    #[test]
    fn every_configurable_rate_has_a_period() {
        for per_second in [0, 1, 20, 1_000_000, 1_000_001, u32::MAX] {
            assert!(period(per_second) > Duration::ZERO, "{per_second}");
        }
        assert_eq!(period(20), Duration::from_millis(50));
    }
}
