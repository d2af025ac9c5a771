//! Live reload: the script and error overlay the server injects into HTML responses (never
//! into `build` output), and the Server-Sent Events endpoint that tells pages to reload.
//!
//! Each page is served with the site version it shows (`data-version`). The events endpoint
//! sends the current version on connect and after every build; a page whose version differs
//! reloads. Sending it on connect closes the race of a build finishing between the page load
//! and the connection, and a restarted server (new version prefix) reloads old pages too.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use futures_util::stream::Stream;

use super::http::AppState;

/// Path of the Server-Sent Events endpoint.
pub const EVENTS_PATH: &str = "/__biaogan/events";
/// Path of the reload script.
pub const SCRIPT_PATH: &str = "/__biaogan/reload.js";
/// `id` of the error overlay element.
pub const OVERLAY_ID: &str = "biaogan-error-overlay";

/// The reload script. Classic script, so `document.currentScript` gives its attributes.
const SCRIPT: &str = r#"/* biaogan serve: live reload. Injected by the preview server only. */
(function () {
  var me = document.currentScript;
  var version = me && me.getAttribute("data-version");
  var overlay = document.getElementById("biaogan-error-overlay");
  if (overlay) {
    var close = overlay.querySelector("button");
    if (close) close.addEventListener("click", function () { overlay.remove(); });
  }
  if (!window.EventSource) return;
  var events = new EventSource("/__biaogan/events");
  events.addEventListener("version", function (e) {
    if (e.data !== version) { events.close(); location.reload(); }
  });
})();
"#;

/// Serves the reload script.
pub async fn script() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        SCRIPT,
    )
}

/// The events endpoint: a `version` event now and after every build. Ends when the server
/// shuts down (the sender of the site state is dropped), so that open pages do not hold the
/// shutdown.
pub async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.site.clone();
    let stream =
        futures_util::stream::unfold((receiver, true), |(mut receiver, first)| async move {
            if !first && receiver.changed().await.is_err() {
                return None;
            }
            let version = receiver.borrow_and_update().version.clone();
            let event = Event::default().event("version").data(&*version);
            Some((Ok(event), (receiver, false)))
        });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Inserts the reload script (and the error overlay when the last build failed) before the
/// last `</body>` of `html`, or at its end if there is none.
pub fn inject(html: &[u8], version: &str, error: Option<&str>) -> Vec<u8> {
    let mut snippet = String::new();
    if let Some(error) = error {
        snippet.push_str(&overlay(error));
    }
    snippet.push_str(&format!(
        "<script src=\"{SCRIPT_PATH}\" data-version=\"{}\" defer></script>\n",
        escape(version)
    ));
    let at = rfind_ascii_case_insensitive(html, b"</body").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The error overlay: the build's error text, escaped.
fn overlay(error: &str) -> String {
    format!(
        r#"<div id="{OVERLAY_ID}" role="alert" style="position:fixed;inset:1rem;z-index:2147483647;overflow:auto;padding:1rem 1.25rem;background:#1e1e1e;color:#f3f3f3;border:3px solid #d93025;border-radius:6px;font:14px/1.5 system-ui,sans-serif;box-shadow:0 4px 24px rgba(0,0,0,.5)">
<button type="button" aria-label="关闭" style="float:right;font:inherit;background:none;color:inherit;border:1px solid #888;border-radius:4px;cursor:pointer">×</button>
<p style="margin:0 0 .75rem;font-weight:bold">构建失败：仍在显示上一次成功构建的页面，修正后自动刷新。</p>
<pre style="margin:0;white-space:pre-wrap;font:13px/1.45 ui-monospace,monospace">{}</pre>
</div>
"#,
        escape(error)
    )
}

/// A page for when no build has succeeded yet: only the overlay and the reload script.
pub fn not_built_page() -> &'static str {
    "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>构建失败 · biaogan serve</title>\n</head>\n<body>\n<p>站点还没有成功构建过。</p>\n</body>\n</html>\n"
}

/// A page for a missing file when the site has no `404.html`.
pub fn not_found_page() -> &'static str {
    "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>页面未找到</title>\n</head>\n<body>\n<h1>页面未找到</h1>\n</body>\n</html>\n"
}

/// Escapes text for HTML content and attribute values (the renderer's own escaping).
pub use crate::escape::html as escape;

fn rfind_ascii_case_insensitive(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_end() {
        let html = b"<html><body><p>a</p></BODY></html>";
        let out = String::from_utf8(inject(html, "v1", None)).unwrap();
        assert_eq!(
            out,
            "<html><body><p>a</p><script src=\"/__biaogan/reload.js\" data-version=\"v1\" defer></script>\n</BODY></html>"
        );
    }

    #[test]
    fn injects_at_the_end_without_body() {
        let out = String::from_utf8(inject(b"<p>x</p>", "v", None)).unwrap();
        assert!(out.starts_with("<p>x</p><script"));
    }

    #[test]
    fn overlay_escapes_the_error() {
        let out = String::from_utf8(inject(
            b"<body></body>",
            "v",
            Some("<script>alert(1)</script> & \"x\""),
        ))
        .unwrap();
        assert!(out.contains(OVERLAY_ID));
        assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(!out.contains("<script>alert"));
    }
}
