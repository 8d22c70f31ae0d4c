//! The two web pages `hotline` serves itself: the agents' assistant screen
//! (`/agent`) and the callers' chat widget (`/widget`).
//!
//! The files under `web/` are embedded in the binary, so a deployment is
//! one executable with no separate web server and nothing fetched from
//! elsewhere. The pages hold no secrets: the agent page asks for the
//! agents' token and sends it on each API call, and the widget uses its
//! own session's token.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

/// One embedded file and the type it is served as.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const HTML: &str = "text/html; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

/// An embedded file: its URL path, its type, and its file under `web/`.
macro_rules! asset {
    ($path:literal, $content_type:expr, $file:literal) => {
        Asset {
            path: $path,
            content_type: $content_type,
            body: include_str!(concat!("../../web/", $file)),
        }
    };
}

/// Every file the pages load. Both pages share `labels.js` (the Chinese
/// names of the contract's ids) and `http.js` (the API calls), served under
/// each page's own prefix so each page stays self-contained.
const ASSETS: &[Asset] = &[
    asset!("/agent", HTML, "agent/index.html"),
    asset!("/agent/agent.css", CSS, "agent/agent.css"),
    asset!("/agent/agent.js", JAVASCRIPT, "agent/agent.js"),
    asset!("/agent/labels.js", JAVASCRIPT, "labels.js"),
    asset!("/agent/http.js", JAVASCRIPT, "http.js"),
    asset!("/widget", HTML, "widget/index.html"),
    asset!("/widget/widget.css", CSS, "widget/widget.css"),
    asset!("/widget/widget.js", JAVASCRIPT, "widget/widget.js"),
    asset!("/widget/labels.js", JAVASCRIPT, "labels.js"),
    asset!("/widget/http.js", JAVASCRIPT, "http.js"),
];

/// The routes of both pages and their assets. Generic over the state so
/// the server can `.merge()` it into a router of any state type.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let mut router = Router::new()
        .route("/agent/", get(|| async { Redirect::permanent("/agent") }))
        .route("/widget/", get(|| async { Redirect::permanent("/widget") }));
    for asset in ASSETS {
        router = router.route(asset.path, get(move || async move { serve(asset) }));
    }
    router
}

fn serve(asset: &'static Asset) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
            // The pages change only with the binary; revalidating on each
            // load keeps an upgraded server from running an old script.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            // Everything comes from this origin; nothing is loaded from
            // elsewhere, and the widget may be framed by a mini-program.
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-src 'self'",
                ),
            ),
        ],
        asset.body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    async fn get_path(path: &str) -> Response {
        router::<()>()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn every_asset_is_served_with_its_type() {
        for asset in ASSETS {
            let response = get_path(asset.path).await;
            assert_eq!(response.status(), StatusCode::OK, "{}", asset.path);
            assert_eq!(
                response.headers()[header::CONTENT_TYPE],
                asset.content_type,
                "{}",
                asset.path
            );
        }
    }

    #[tokio::test]
    async fn pages_load_only_their_own_assets() {
        // Every src/href in the pages must be one of the embedded files or
        // inline data (the empty icon): no CDN, nothing from outside.
        let reference = regex::Regex::new(r#"(?:src|href)="([^"]+)""#).unwrap();
        for page in ASSETS.iter().filter(|asset| asset.content_type == HTML) {
            for found in reference.captures_iter(page.body) {
                let target = &found[1];
                assert!(
                    target.starts_with("data:") || ASSETS.iter().any(|asset| asset.path == target),
                    "{} loads {target}, which is not embedded",
                    page.path
                );
            }
        }
    }

    #[tokio::test]
    async fn trailing_slash_redirects_to_the_page() {
        let response = get_path("/widget/").await;
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(response.headers()[header::LOCATION], "/widget");
    }
}
