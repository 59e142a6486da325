//! The web UI: the page shell at `/` and at every route the UI knows (the view state lives in
//! the URL, so each can be opened directly or shared), its script and styles, and the UI's own
//! JSON endpoints under `/mlt-api/v1` ([`super::ui_api`]; documented in `ui/README.md`).

use super::State;
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// The routes of the UI.
pub fn routes() -> Router<State> {
    Router::new()
        .route("/", get(page))
        .route("/experiments", get(page))
        .route("/experiments/{ids}", get(page))
        .route("/compare", get(page))
        .route("/runs/{id}", get(page))
        .route("/models", get(page))
        .route("/models/{name}", get(page))
        .route("/ui/app.js", get(script))
        .route("/ui/app.css", get(style))
        .nest("/mlt-api/v1", super::ui_api::routes())
}

/// Headers every UI answer carries.
fn hardened(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, "nosniff".parse().unwrap());
    h.insert(header::REFERRER_POLICY, "no-referrer".parse().unwrap());
    h.insert(header::X_FRAME_OPTIONS, "DENY".parse().unwrap());
    resp
}

async fn page() -> Response {
    let mut resp = hardened(
        (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            crate::ui::page(),
        )
            .into_response(),
    );
    resp.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        crate::ui::PAGE_CSP.parse().unwrap(),
    );
    resp
}

/// The assets' URLs carry the UI's version, so they can be cached for good.
fn asset_caching() -> &'static str {
    if crate::ui::dev_mode() {
        "no-cache"
    } else {
        "public, max-age=31536000, immutable"
    }
}

async fn script() -> Response {
    hardened(
        (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, asset_caching()),
            ],
            crate::ui::script().into_owned(),
        )
            .into_response(),
    )
}

async fn style() -> Response {
    hardened(
        (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, asset_caching()),
            ],
            crate::ui::style().into_owned(),
        )
            .into_response(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{app, get_raw};

    #[tokio::test]
    async fn every_ui_route_answers_the_page_with_its_policy() {
        let (_dir, app, _) = app();
        for path in [
            "/",
            "/experiments/0",
            "/experiments/1,2?filter=x",
            "/compare?runs=a,b",
            "/runs/abc",
            "/models",
            "/models/m%20x",
        ] {
            let (status, headers, body) = get_raw(&app, path).await;
            assert_eq!(status, 200, "{path}");
            assert!(
                String::from_utf8_lossy(&body).contains("<main id=\"app\">"),
                "{path}"
            );
            let csp = headers["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        }
        let (status, headers, body) = get_raw(&app, "/ui/app.js").await;
        assert_eq!(status, 200);
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/javascript")
        );
        assert!(String::from_utf8_lossy(&body).contains("MLT.start"));
        let (status, _, _) = get_raw(&app, "/ui/app.css").await;
        assert_eq!(status, 200);
    }
}
