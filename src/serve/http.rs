//! HTTP: the router, request paths to files of the built site (percent-decoded, normalized,
//! never outside the build), content types, redirects and 404s.
//!
//! Files are only ever looked up by key in the in-memory build, so no request can read the
//! disk; paths are still normalized and anything suspicious (`..`, `.`, backslashes, NUL,
//! control characters, `//`) is refused with 400. Requests naming another host are refused
//! with 403, so that a web page cannot read the preview through DNS rebinding.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use percent_encoding::percent_decode_str;
use tokio::sync::watch;

use super::reload;

/// What the server shows: the last good build, the error of the last build if it failed, and
/// a version that changes with every build.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Files of the last successful build; `None` until a build succeeds.
    pub files: Option<Arc<BTreeMap<String, Bytes>>>,
    /// Text of the last build's error, if it failed.
    pub error: Option<Arc<str>>,
    /// Changes with every build (pages reload when it differs from theirs).
    pub version: Arc<str>,
    /// The tantivy index of the last successful build, for `/api/search`.
    pub index: Option<Arc<crate::search::SearchIndex>>,
}

/// State shared by the handlers.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The current snapshot.
    pub site: watch::Receiver<Snapshot>,
}

/// Path of the search API: `?q=…&year=…&area=…&region=…&industry=…&method=…&tag=…&limit=…`,
/// answered from the tantivy index with the same JSON as `biaogan search --json`.
pub const SEARCH_API_PATH: &str = "/api/search";

/// The application: reload endpoints, then the site for every other path.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(reload::EVENTS_PATH, get(reload::events))
        .route(reload::SCRIPT_PATH, get(reload::script))
        .route(SEARCH_API_PATH, get(search_api))
        .fallback(site)
        .with_state(state)
}

/// Decodes an `application/x-www-form-urlencoded` query string into (name, value) pairs.
pub fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(name), decode(value))
        })
        .collect()
}

/// `/api/search`: queries the index of the last build.
async fn search_api(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let host = headers.get(header::HOST).map(|h| h.to_str().unwrap_or("?"));
    if !host_allowed(host) {
        return (StatusCode::FORBIDDEN, "forbidden host\n").into_response();
    }
    let mut query = String::new();
    let mut filters = crate::search::Filters::default();
    let mut limit = 20usize;
    let mut sort = crate::search::Sort::Relevance;
    for (name, value) in form_pairs(uri.query().unwrap_or_default()) {
        match name.as_str() {
            "q" => query = value,
            "sort" => sort = value.parse().unwrap_or_default(),
            "limit" => limit = value.parse().unwrap_or(limit).min(1000),
            // Repeated facet parameters: any of the values (`?area=a&area=b`).
            name => {
                filters.push(name, value);
            }
        }
    }
    let Some(index) = state.site.borrow().index.clone() else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            b"{\"error\":\"the site has not been built yet\"}".to_vec(),
        )
            .into_response();
    };
    let result =
        tokio::task::spawn_blocking(move || index.search_sorted(&query, &filters, sort, limit))
            .await;
    let (status, body) = match result {
        Ok(Ok(hits)) => (
            StatusCode::OK,
            serde_json::to_vec(&hits).unwrap_or_default(),
        ),
        Ok(Err(error)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::to_vec(&serde_json::json!({"error": error.to_string()}))
                .unwrap_or_default(),
        ),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            b"{\"error\":\"search failed\"}".to_vec(),
        ),
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

/// What a request path refers to.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A file of the site, by key.
    File(String),
    /// A directory requested without its trailing slash: redirect to this location.
    Redirect(String),
    /// Nothing there.
    NotFound,
    /// A malformed or suspicious path.
    BadRequest,
}

/// Resolves the raw (percent-encoded) request `path` against the site's files: `/` and
/// `/dir/` serve `index.html`, `/dir` redirects to `/dir/` (keeping `query`).
pub fn resolve(path: &str, query: Option<&str>, exists: impl Fn(&str) -> bool) -> Target {
    if !path.starts_with('/') || path.starts_with("//") {
        return Target::BadRequest;
    }
    let Ok(decoded) = percent_decode_str(path).decode_utf8() else {
        return Target::BadRequest;
    };
    if decoded.chars().any(|c| c == '\\' || c.is_control()) {
        return Target::BadRequest;
    }
    // `.` and `..` as everywhere else (`site_path`): resolved, never above the root.
    let Some(relative) = crate::site_path::normalize(&decoded) else {
        return Target::BadRequest;
    };
    let relative = relative.as_str();
    if relative.is_empty() || relative.ends_with('/') {
        let key = format!("{relative}index.html");
        return if exists(&key) {
            Target::File(key)
        } else {
            Target::NotFound
        };
    }
    if exists(relative) {
        return Target::File(relative.to_string());
    }
    if exists(&format!("{relative}/index.html")) {
        let mut location = format!("{path}/");
        if let Some(query) = query {
            location.push('?');
            location.push_str(query);
        }
        return Target::Redirect(location);
    }
    Target::NotFound
}

/// The `Content-Type` of a file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// Whether the `Host` header names this machine (`127.0.0.1`, `localhost`, `[::1]`, any
/// port). Requests without one (HTTP/1.0) are allowed.
pub fn host_allowed(host: Option<&str>) -> bool {
    let Some(host) = host else {
        return true;
    };
    let name = if host.starts_with('[') {
        host.split_once(']')
            .map_or(host, |(name, _)| name)
            .trim_start_matches('[')
    } else {
        host.split_once(':').map_or(host, |(name, _)| name)
    };
    name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost") || name == "::1"
}

/// Serves a file of the site.
async fn site(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let host = headers.get(header::HOST).map(|h| h.to_str().unwrap_or("?"));
    if !host_allowed(host) {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "403 Forbidden: the preview answers only to 127.0.0.1 and localhost\n",
        )
            .into_response();
    }
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "405 Method Not Allowed\n",
        )
            .into_response();
    }
    let snapshot = state.site.borrow().clone();
    let version = &*snapshot.version;
    let error = snapshot.error.as_deref();
    let Some(files) = snapshot.files else {
        let body = reload::inject(reload::not_built_page().as_bytes(), version, error);
        return html(StatusCode::SERVICE_UNAVAILABLE, body);
    };
    match resolve(uri.path(), uri.query(), |key| files.contains_key(key)) {
        Target::File(key) => match files.get(&key) {
            Some(bytes) => {
                let kind = content_type(&key);
                if kind.starts_with("text/html") {
                    html(StatusCode::OK, reload::inject(bytes, version, error))
                } else {
                    (
                        StatusCode::OK,
                        [
                            (header::CONTENT_TYPE, kind),
                            (header::CACHE_CONTROL, "no-store"),
                            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                        ],
                        bytes.clone(),
                    )
                        .into_response()
                }
            }
            None => not_found(&files, version, error),
        },
        Target::Redirect(location) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, location),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
        )
            .into_response(),
        Target::NotFound => not_found(&files, version, error),
        Target::BadRequest => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "400 Bad Request: invalid path\n",
        )
            .into_response(),
    }
}

/// 404 with the site's `404.html` (or a plain page if it has none).
fn not_found(files: &BTreeMap<String, Bytes>, version: &str, error: Option<&str>) -> Response {
    let page = files
        .get("404.html")
        .map_or(reload::not_found_page().as_bytes(), |bytes| &bytes[..]);
    html(StatusCode::NOT_FOUND, reload::inject(page, version, error))
}

fn html(status: StatusCode, body: Vec<u8>) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(path: &str, expected: Target) {
        let files = [
            "index.html",
            "2023/index.html",
            "2023/a/index.html",
            "2023/a/chart.svg",
            "2023/a/数据.csv",
            "static/style.css",
        ];
        let exists = |key: &str| files.contains(&key);
        assert_eq!(resolve(path, None, exists), expected, "{path}");
    }

    fn file(key: &str) -> Target {
        Target::File(key.to_string())
    }

    #[test]
    fn directories_serve_their_index() {
        check("/", file("index.html"));
        check("/2023/", file("2023/index.html"));
        check("/2023/a/", file("2023/a/index.html"));
        check("/2023/a/index.html", file("2023/a/index.html"));
        check("/static/style.css", file("static/style.css"));
    }

    #[test]
    fn directories_without_slash_redirect() {
        check("/2023", Target::Redirect("/2023/".to_string()));
        check("/2023/a", Target::Redirect("/2023/a/".to_string()));
        assert_eq!(
            resolve("/2023", Some("q=1"), |k| k == "2023/index.html"),
            Target::Redirect("/2023/?q=1".to_string())
        );
    }

    #[test]
    fn percent_encoded_chinese_paths_resolve() {
        check("/2023/a/%E6%95%B0%E6%8D%AE.csv", file("2023/a/数据.csv"));
        check("/2023/a/数据.csv", file("2023/a/数据.csv"));
    }

    #[test]
    fn dot_segments_resolve_inside_the_site() {
        check("/2023/./a/", file("2023/a/index.html"));
        check("/2023/x/../a/", file("2023/a/index.html"));
        check("/2023/a/..", file("2023/index.html"));
    }

    #[test]
    fn missing_files_are_not_found() {
        check("/nope", Target::NotFound);
        check("/nope/", Target::NotFound);
        check("/2023/a/chart.svg/", Target::NotFound);
    }

    #[test]
    fn traversal_is_refused() {
        for path in [
            "/../site.yaml",
            "/%2e%2e/site.yaml",
            "/%2E%2E/site.yaml",
            "/..%2fsite.yaml",
            "/static/..%5c..%5csite.yaml",
            "/static/..\\..\\site.yaml",
            "/static/../../site.yaml",
            "/2023/../../a/",
            "/a%00b",
            "//etc/passwd",
            "relative",
            "/%ff",
        ] {
            check(path, Target::BadRequest);
        }
    }

    #[test]
    fn only_local_host_names_are_allowed() {
        for host in [
            "127.0.0.1:1111",
            "127.0.0.1",
            "localhost:1111",
            "LOCALHOST",
            "[::1]:1111",
        ] {
            assert!(host_allowed(Some(host)), "{host}");
        }
        assert!(host_allowed(None));
        for host in [
            "evil.example:1111",
            "127.0.0.1.evil.example",
            "localhost.evil.example:1111",
            "?",
            "",
        ] {
            assert!(!host_allowed(Some(host)), "{host}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("x.JPG"), "image/jpeg");
        assert_eq!(
            content_type("summary.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(content_type("feed.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
