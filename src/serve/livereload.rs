//! Live reload: the [`Hub`] that rebuilds report to, and the three endpoints browsers talk to
//! under `/__charter/`: `events` (Server-Sent Events), `status` (the current build error as JSON,
//! fetched by every page on load so a new page shows the overlay too) and the script and overlay
//! style themselves (`livereload.js`, `overlay.css`, served from their own URLs so a strict
//! Content-Security-Policy allows them: no inline code, no inline style, no eval).
//!
//! Events on the stream: `hello` (on connect), `reload` (a rebuild changed pages), `css` (a
//! rebuild changed only stylesheets: swap them), `build-error` (a rebuild failed; data is the
//! status), `build-ok` (the error is gone). Each carries the build number. What is rebuilt, and how
//! it is served, is left to the other modules.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

use crate::error::{Diagnostic, Diagnostics};

/// The script every HTML page served by `serve` gets.
pub const SCRIPT: &str = include_str!("livereload.js");
/// The overlay's style.
pub const OVERLAY_CSS: &str = include_str!("overlay.css");
/// The tag inserted before `</body>`.
/// The tag added to a page served at build `build` (the script compares it with the server's).
pub fn script_tag(build: u64) -> String {
    format!("<script src=\"/__charter/livereload.js\" data-build=\"{build}\" defer></script>")
}

/// What the site's current state is, as `/__charter/status` reports it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Status {
    /// Counts rebuilds (good or failed) since the server started.
    pub build: u64,
    /// The errors of the last rebuild if it failed (the last good site is being served), else empty.
    pub errors: Vec<Diagnostic>,
}

/// One message to every open page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Reload the page.
    Reload { build: u64, paths: Vec<String> },
    /// Only stylesheets changed: swap them without a reload.
    Css { build: u64, paths: Vec<String> },
    /// The rebuild failed: show the overlay.
    Failed { build: u64 },
    /// The error is gone (a reload follows).
    Fixed { build: u64 },
}

/// Chooses between a reload and a stylesheet swap for a rebuild that changed `changed_outputs`.
/// Nothing known to have changed still reloads (the rebuild may not know which files changed).
pub fn message_for(build: u64, changed_outputs: &[String]) -> Message {
    let paths = changed_outputs.to_vec();
    if !paths.is_empty() && paths.iter().all(|p| p.ends_with(".css")) {
        Message::Css { build, paths }
    } else {
        Message::Reload { build, paths }
    }
}

/// Where rebuilds report and browsers listen.
pub struct Hub {
    sender: broadcast::Sender<Message>,
    status: RwLock<Status>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    pub fn new() -> Hub {
        let (sender, _) = broadcast::channel(256);
        Hub { sender, status: RwLock::new(Status::default()) }
    }

    /// The current status.
    pub fn status(&self) -> Status {
        self.status.read().map(|s| s.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    fn update(&self, f: impl FnOnce(&mut Status)) -> u64 {
        let mut guard = self.status.write().unwrap_or_else(|p| p.into_inner());
        f(&mut guard);
        guard.build
    }

    /// A rebuild succeeded and changed `changed_outputs` (empty when unknown).
    pub fn rebuilt(&self, changed_outputs: &[String]) {
        let mut was_failing = false;
        let build = self.update(|s| {
            s.build += 1;
            was_failing = !s.errors.is_empty();
            s.errors.clear();
        });
        if was_failing {
            let _ = self.sender.send(Message::Fixed { build });
            let _ = self.sender.send(Message::Reload { build, paths: changed_outputs.to_vec() });
        } else {
            let _ = self.sender.send(message_for(build, changed_outputs));
        }
    }

    /// A rebuild failed with `diagnostics`; the last good site is still served.
    pub fn failed(&self, diagnostics: &Diagnostics) {
        let errors: Vec<Diagnostic> = diagnostics.errors().cloned().collect();
        let build = self.update(|s| {
            s.build += 1;
            s.errors = errors;
        });
        let _ = self.sender.send(Message::Failed { build });
    }

    /// A stream of messages from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Message> {
        self.sender.subscribe()
    }
}

fn event(name: &str, data: serde_json::Value) -> Event {
    Event::default().event(name).data(data.to_string())
}

fn to_event(message: Message, hub: &Hub) -> Event {
    match message {
        Message::Reload { build, paths } => {
            event("reload", serde_json::json!({ "build": build, "paths": paths }))
        }
        Message::Css { build, paths } => {
            event("css", serde_json::json!({ "build": build, "paths": paths }))
        }
        Message::Failed { .. } => {
            event("build-error", serde_json::to_value(hub.status()).unwrap_or_default())
        }
        Message::Fixed { build } => event("build-ok", serde_json::json!({ "build": build })),
    }
}

/// `GET /__charter/events`: the Server-Sent Events stream.
pub async fn events(
    State(hub): State<Arc<Hub>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = hub.subscribe();
    let status = hub.status();
    let hello = event(
        "hello",
        serde_json::json!({ "build": status.build, "failing": !status.errors.is_empty() }),
    );
    let updates = BroadcastStream::new(receiver).map(move |m| {
        Ok(match m {
            Ok(message) => to_event(message, &hub),
            // Too far behind to know what changed: reloading is always right.
            Err(_) => {
                event("reload", serde_json::json!({ "build": hub.status().build, "paths": [] }))
            }
        })
    });
    Sse::new(stream::once(async move { Ok(hello) }).chain(updates))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// `GET /__charter/status`: the current status as JSON.
pub async fn status(State(hub): State<Arc<Hub>>) -> Response {
    let body = serde_json::to_string(&hub.status()).unwrap_or_else(|_| "{}".into());
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], body)
        .into_response()
}

/// `GET /__charter/livereload.js`.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// `GET /__charter/overlay.css`.
pub async fn overlay_css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
        OVERLAY_CSS,
    )
        .into_response()
}

/// Inserts the live-reload tag before the last `</body>` (any case), or at the end when there is
/// none (minified pages may leave it out).
pub fn inject(html: &[u8], tag: &str) -> Vec<u8> {
    let lower: Vec<u8> = html.iter().map(u8::to_ascii_lowercase).collect();
    let at = lower.windows(7).rposition(|w| w == b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_end() {
        let tag = script_tag(7);
        assert!(tag.contains("data-build=\"7\""), "{tag}");
        let out = inject(b"<html><body><p>a</p></BODY></html>", &tag);
        assert_eq!(
            String::from_utf8_lossy(&out),
            format!("<html><body><p>a</p>{tag}</BODY></html>")
        );
        let out = inject(b"<p>a</body> text </body>", &tag);
        assert_eq!(String::from_utf8_lossy(&out), format!("<p>a</body> text {tag}</body>"));
    }

    #[test]
    fn injects_at_the_end_without_body_end() {
        let tag = script_tag(0);
        assert_eq!(String::from_utf8_lossy(&inject(b"<p>min", &tag)), format!("<p>min{tag}"));
        assert_eq!(inject(b"", &tag).len(), tag.len());
    }

    #[test]
    fn css_only_changes_swap_stylesheets() {
        assert!(matches!(message_for(1, &["css/site.css".into()]), Message::Css { .. }));
        assert!(matches!(
            message_for(1, &["css/site.css".into(), "index.html".into()]),
            Message::Reload { .. }
        ));
        assert!(matches!(message_for(1, &[]), Message::Reload { .. }));
    }

    #[test]
    fn status_follows_failures_and_fixes() {
        let hub = Hub::new();
        let mut rx = hub.subscribe();
        hub.failed(&Diagnostics::from(
            Diagnostic::error("front-matter", "bad").in_file("content/a.md").at(Some(2), None),
        ));
        assert_eq!(hub.status().errors.len(), 1);
        assert_eq!(rx.try_recv().ok(), Some(Message::Failed { build: 1 }));
        hub.rebuilt(&[]);
        assert!(hub.status().errors.is_empty());
        assert_eq!(rx.try_recv().ok(), Some(Message::Fixed { build: 2 }));
        assert_eq!(rx.try_recv().ok(), Some(Message::Reload { build: 2, paths: vec![] }));
    }

    #[test]
    fn the_script_is_csp_safe() {
        assert!(!SCRIPT.contains("eval("));
        assert!(!SCRIPT.contains("new Function"));
        assert!(!SCRIPT.contains(".style."));
        assert!(!SCRIPT.contains("innerHTML"));
    }
}
