//! Live updates: every turn, slot change and decision is published on one
//! broadcast channel; each `GET /v1/sessions/{id}/events` stream keeps its
//! session's events, the agents' `GET /v1/events` stream keeps all of them
//! (the queue), and both end when the server shuts down.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt};
use tokio_stream::wrappers::{BroadcastStream, WatchStream};

use super::auth::Access;
use super::{AppState, pii};

/// One thing that happened in a session.
#[derive(Debug, Clone)]
pub struct SessionEvent {
    pub session_id: String,
    /// `turn`, `slot`, `decision`, `registration`, `agent` (accepted,
    /// released, wrapped up), `closed`, or `resync` (events may have been
    /// missed: read the session again; for every session when
    /// `session_id` is empty).
    pub kind: &'static str,
    /// The event's body; it carries `session_id`.
    pub data: serde_json::Value,
}

/// The event kinds there are, as received from another node.
pub fn known_kind(kind: &str) -> Option<&'static str> {
    [
        "turn",
        "slot",
        "decision",
        "registration",
        "agent",
        "closed",
        "resync",
    ]
    .into_iter()
    .find(|known| *known == kind)
}

enum Item {
    Event(SessionEvent),
    Stop,
}

/// The SSE response for `session_id` (every session's for `None`, which
/// only agents get), ID numbers masked unless `access` is an agent's.
pub fn stream(
    state: &AppState,
    session_id: Option<String>,
    access: Access,
    channel: crate::dialogue::SessionChannel,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
    let events = BroadcastStream::new(state.subscribe()).filter_map(|received| async move {
        // A lagging subscriber skips what it missed; the session view has it.
        received.ok().map(Item::Event)
    });
    let stop = WatchStream::new(state.shutdown_signal())
        .filter(|stopping| std::future::ready(*stopping))
        .map(|_| Item::Stop);
    let merged = futures_util::stream::select(events, stop)
        .take_while(|item| std::future::ready(!matches!(item, Item::Stop)))
        .filter_map(move |item| {
            let wanted = match item {
                Item::Event(event)
                    if event.session_id.is_empty()
                        || session_id.as_ref().is_none_or(|id| *id == event.session_id) =>
                {
                    Some(event)
                }
                _ => None,
            };
            std::future::ready(wanted.map(|event| {
                let mut data = event.data;
                if access.masks(channel) {
                    pii::mask_ids_json(&mut data);
                }
                Ok(Event::default().event(event.kind).data(data.to_string()))
            }))
        });
    Sse::new(merged).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
