//! The route handlers of contract §3, and the wire types they take.

use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::answer_cache::{AskKey, CachedAnswer};
use super::auth::{Access, Credential};
use super::json::{ApiJson, from_value_naming_field};
use super::{
    ApiError, AppState, SessionEvent, Settings, events, form, layers, misses, pii, workspace,
};
use crate::answer::Question;
use crate::assistant::Assistant;
use crate::dialogue::{Delivered, DialogueState, Session, SessionChannel, Turn, handoff};
use crate::rules::Application;
use crate::server::ErrorCode;
use crate::store::{
    AuditEntry, RegistrationRecord, Role, SessionRecord, TranscriptEntry, TurnWrite, token_digest,
};

/// Longest utterance accepted in one message, in characters.
const MAX_TEXT_CHARS: usize = 2000;

pub fn routes(settings: &Settings) -> Router<AppState> {
    let per_session = Router::new()
        .route("/v1/sessions/{id}", get(session_view))
        .route("/v1/sessions/{id}/messages", post(post_message))
        .route("/v1/sessions/{id}/events", get(session_events))
        .route("/v1/sessions/{id}/slots", post(edit_slot).patch(edit_slot))
        .route("/v1/sessions/{id}/accept", post(workspace::accept))
        .route("/v1/sessions/{id}/release", post(workspace::release))
        .route("/v1/sessions/{id}/submit", post(workspace::submit))
        .route("/v1/sessions/{id}/wrap-up", post(workspace::wrap_up));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .route("/v1/ask", post(ask))
        .route("/v1/rules/evaluate", post(evaluate))
        .route("/v1/slots", get(slots))
        .route("/v1/regions", get(regions))
        .route(
            "/v1/sessions",
            post(create_session).get(workspace::list_sessions),
        )
        .route("/v1/events", get(workspace::all_events))
        .route("/v1/agents/me", get(workspace::me))
        .route("/v1/registrations/{id}", get(registration))
        .route("/v1/registrations/{id}/form", get(registration_form))
        .route("/v1/registrations/{id}/print-link", post(print_link))
        .route("/v1/audit", get(audit_log))
        .route("/v1/misses", get(misses::list))
        .merge(layers::limit_per_session(per_session, settings))
}

pub async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NoRoute, "no such endpoint")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        "this endpoint does not take that method",
    )
}

/// Liveness.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "`ok`", body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// Prometheus text format.
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text format", body = String)))]
pub async fn metrics_text() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        super::metrics::render(),
    )
        .into_response()
}

/// The Application's slots (`intents/slots.yaml`): path, label, when the
/// dialogue asks it, prompts. The web pages name and order slots by it.
#[utoipa::path(get, path = "/v1/slots", responses((status = 200, description = "`{\"slots\": [{\"path\", \"label\", \"type\", \"ask\", …}]}`", body = Object)))]
pub async fn slots(State(state): State<AppState>) -> Response {
    axum::Json(&state.assistant().slots).into_response()
}

/// The regions the corpus covers (`corpus/regions.toml`: id, name,
/// province, 备案表 titles), every channel a region may offer, with its
/// name (the provincial apps are data too), and every category and
/// material with the name the dialogue says. The pages name all of them by
/// it, so a name has one place.
#[utoipa::path(get, path = "/v1/regions", responses((status = 200, description = "`{\"regions\": [{\"id\", \"name\", \"province\", \"form\"?, \"maternity_form\"?}], \"channels\": [{\"id\", \"label\"}], \"categories\": [{\"id\", \"label\"}], \"materials\": [{\"id\", \"label\"}]}`", body = Object)))]
pub async fn regions(State(state): State<AppState>) -> Response {
    let assistant = state.assistant();
    let channels: Vec<serde_json::Value> = assistant
        .policies
        .channels()
        .iter()
        .map(|channel| {
            serde_json::json!({"id": channel.id(), "label": assistant.policies.channel_label(channel)})
        })
        .collect();
    let categories: Vec<serde_json::Value> = crate::rules::Category::ALL
        .iter()
        .map(|category| serde_json::json!({"id": category.id(), "label": category.label()}))
        .collect();
    // The contract's materials in its order, then the regions' own; each by
    // its national name, else the name a region's data file gives it.
    let known = &assistant.policies.known_materials;
    let contract = crate::rules::load::CONTRACT_MATERIALS.map(String::from);
    let own = known.iter().filter(|id| !contract.contains(id));
    let materials: Vec<serde_json::Value> = contract
        .iter()
        .chain(own)
        .map(|id| {
            let label = crate::rules::material_label(id)
                .map(str::to_string)
                .or_else(|| {
                    let regions = assistant.policies.regions.values();
                    regions
                        .into_iter()
                        .find_map(|policy| policy.materials.get(id).cloned())
                })
                .unwrap_or_else(|| id.clone());
            serde_json::json!({"id": id, "label": label})
        })
        .collect();
    axum::Json(serde_json::json!({
        "regions": assistant.corpus.regions,
        "channels": channels,
        "categories": categories,
        "materials": materials,
    }))
    .into_response()
}

/// `POST /v1/ask` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskRequest {
    pub question: String,
    pub region: Option<String>,
    pub top: Option<usize>,
}

/// Answers a free-text question from the policy texts (contract §2.1).
#[utoipa::path(post, path = "/v1/ask", request_body = AskRequest,
    responses((status = 200, description = "Answer (contract §2.1)", body = Object),
              (status = 400, description = "bad question, region or top", body = ErrorBody)))]
pub async fn ask(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<AskRequest>,
) -> Result<Response, ApiError> {
    let started = Instant::now();
    let key = AskKey {
        question: request.question,
        region: request.region,
        top: request.top,
    };
    if let Some(cached) = state.answers().get(&key) {
        metrics::counter!("hotline_answer_cache_hits_total").increment(1);
        count_ask(cached.answered);
        if let Some(miss) = &cached.miss {
            misses::record(&state, miss);
        }
        return Ok(json_body(cached.body));
    }
    let question = Question {
        text: key.question.clone(),
        region: key.region.clone(),
        top: key.top,
        case: None,
        today: Some(server_today()),
    };
    let assistant = state.assistant().clone();
    let (answer, miss) = compute(question.text.chars().count(), move || {
        let answer = assistant.ask(&question)?;
        // The region as its id (东莞 → dongguan); it passed validation.
        let region = crate::answer::validate(&question, &assistant.corpus.regions)?.region;
        let miss = misses::of_answer(&assistant, &answer, region);
        Ok::<_, crate::answer::AskError>((answer, miss))
    })
    .await??;
    metrics::histogram!("hotline_ask_duration_seconds").record(started.elapsed().as_secs_f64());
    count_ask(answer.answered);
    if let Some(miss) = &miss {
        misses::record(&state, miss);
    }
    let answered = answer.answered;
    let body = Bytes::from(
        state
            .answer_json()
            .body(answer)
            .map_err(ApiError::internal)?,
    );
    let cached = CachedAnswer {
        body: body.clone(),
        answered,
        miss,
    };
    state.answers().insert(key, cached);
    Ok(json_body(body))
}

fn count_ask(answered: bool) {
    let answered = if answered { "true" } else { "false" };
    metrics::counter!("hotline_asks_total", "answered" => answered).increment(1);
}

fn json_body(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// Longest input worked on in the request's own task. Understanding and
/// answering a short utterance takes well under a millisecond, less than
/// handing it to the blocking pool costs (a thread wake-up and two context
/// switches each way); longer text, up to the 2,000-character cap, goes to
/// the pool so that it never holds up a runtime worker.
const INLINE_CHARS: usize = 200;

/// Runs `work`, CPU-bound core code over `chars` characters of input.
async fn compute<T: Send + 'static>(
    chars: usize,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    if chars <= INLINE_CHARS {
        Ok(work())
    } else {
        tokio::task::spawn_blocking(work)
            .await
            .map_err(ApiError::internal)
    }
}

/// Evaluates an Application (plus an optional `today`, default the
/// server's date) with the rules module (contract §2.2).
#[utoipa::path(post, path = "/v1/rules/evaluate", request_body(content = Object, description = "Application (contract §2.2) with an optional `today`"),
    responses((status = 200, description = "Decision (contract §2.2). `validity.end_kind` is `date` (`end` is the last valid day), `long_term` (长期有效), `not_set` (不设有效期) or `conditional` (ends with something the Application does not carry; `notes` say what); `end` is null unless `end_kind` is `date`. An `admission_date` after the application day is a planned admission and is decided, not refused.", body = Object),
              (status = 400, description = "unknown field or bad value, named; also an `applicant.id_number` that is no 身份证 number (length, region code, birth date, check character) or an `applicant.phone` that is no mobile or landline with area code", body = ErrorBody)))]
pub async fn evaluate(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    let serde_json::Value::Object(mut fields) = body else {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            "the body must be a JSON object (an Application)",
        ));
    };
    let today = match fields.remove("today") {
        None | Some(serde_json::Value::Null) => server_today(),
        Some(value) => from_value_naming_field::<NaiveDate>(value)
            .map_err(|_| ApiError::new(ErrorCode::InvalidField, "today: expected YYYY-MM-DD"))?,
    };
    let application: Application = from_value_naming_field(serde_json::Value::Object(fields))?;
    let decision = state.assistant().evaluate(&application, today)?;
    metrics::counter!("hotline_decisions_total", "status" => decision.status.id()).increment(1);
    Ok(axum::Json(decision).into_response())
}

fn server_today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// `POST /v1/sessions` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSessionRequest {
    /// `phone`, `widget` or `agent`.
    #[schema(value_type = String)]
    pub channel: SessionChannel,
    pub region: Option<String>,
    /// The session's clock (YYYY-MM-DD); default the server's date.
    #[schema(value_type = Option<String>)]
    pub today: Option<NaiveDate>,
}

/// `POST /v1/sessions` reply.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreateSessionReply {
    pub session_id: String,
    /// The session's bearer token; shown only here.
    pub token: String,
    pub reply: String,
    pub state: String,
    /// The whole greeting turn (contract §3 Turn).
    #[schema(value_type = Object)]
    pub turn: serde_json::Value,
}

/// The error body of every failure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

pub(super) fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::Rng::fill(&mut rand::rng(), buffer.as_mut_slice());
    hex::encode(buffer)
}

/// A region is one `corpus/regions.toml` lists: the same ones `/v1/ask` knows.
fn check_region(assistant: &Assistant, region: &str) -> Result<(), ApiError> {
    let known = assistant.regions();
    if known.iter().any(|id| id == region) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidField,
            format!(
                "region: unknown region `{region}`; valid regions: {}",
                known.join(", ")
            ),
        ))
    }
}

fn state_id(state: DialogueState) -> String {
    serde_json::to_value(state)
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A Turn as JSON for `access`: whole for agents, ID numbers masked for a
/// widget's caller; the stored registration's id added when one was made.
pub(super) fn turn_json(
    turn: &Turn,
    registration_id: Option<&str>,
    access: Access,
    channel: SessionChannel,
) -> serde_json::Value {
    let mut value = serde_json::to_value(turn).unwrap_or_default();
    if let serde_json::Value::Object(fields) = &mut value {
        // The completed application is the registration record; the reply
        // carries its id instead of a second copy.
        fields.remove("completed");
        if let Some(id) = registration_id {
            fields.insert("registration_id".into(), id.into());
        }
    }
    if access.masks(channel) {
        pii::mask_ids_json(&mut value);
    }
    value
}

/// Opens a dialogue session and returns its token and greeting.
#[utoipa::path(post, path = "/v1/sessions", request_body = CreateSessionRequest,
    responses((status = 201, description = "session opened", body = CreateSessionReply),
              (status = 400, description = "bad channel, region or today", body = ErrorBody)))]
pub async fn create_session(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<CreateSessionRequest>,
) -> Result<Response, ApiError> {
    if let Some(region) = &request.region {
        check_region(state.assistant(), region)?;
    }
    let today = request.today.unwrap_or_else(server_today);
    let (session, turn) =
        state
            .assistant()
            .start_session(request.channel, request.region.as_deref(), today);
    let now = Utc::now();
    let id = format!("s_{}", random_hex(12));
    let token = random_hex(32);
    let record = SessionRecord {
        id: id.clone(),
        token_sha256: token_digest(&token),
        channel: request.channel,
        region: session.slots.region.clone(),
        session,
        created_at: now,
        updated_at: now,
        closed_at: None,
        version: 0,
    };
    let greeting = TranscriptEntry {
        role: Role::Assistant,
        text: turn.reply.clone(),
        at: now,
    };
    state
        .store()
        .create_session(&record, std::slice::from_ref(&greeting))
        .await?;
    metrics::counter!("hotline_sessions_started_total", "channel" => state_id_channel(request.channel)).increment(1);
    tracing::info!(session_id = %id, channel = ?request.channel, region = %record.region, "session opened");
    let reply = CreateSessionReply {
        session_id: id,
        token,
        reply: turn.reply.clone(),
        state: state_id(turn.state),
        turn: turn_json(&turn, None, Access::Owner, request.channel),
    };
    Ok((StatusCode::CREATED, axum::Json(reply)).into_response())
}

fn state_id_channel(channel: SessionChannel) -> &'static str {
    match channel {
        SessionChannel::Phone => "phone",
        SessionChannel::Widget => "widget",
        SessionChannel::Agent => "agent",
    }
}

/// Loads session `id` and checks `credential` may use it.
pub(super) async fn open_session(
    state: &AppState,
    credential: &Credential,
    id: &str,
) -> Result<(SessionRecord, Access), ApiError> {
    credential.require_some()?;
    let record =
        state.store().session(id).await?.ok_or_else(|| {
            ApiError::new(ErrorCode::SessionNotFound, format!("no session `{id}`"))
        })?;
    let access = credential.access_session(&record)?;
    Ok((record, access))
}

/// Refuses writes to a closed session, closing it first if it has been
/// idle past the TTL (the sweeper may not have run yet).
pub(super) async fn ensure_open(state: &AppState, record: &SessionRecord) -> Result<(), ApiError> {
    let now = Utc::now();
    let idle_limit =
        chrono::Duration::from_std(state.settings().session_ttl).unwrap_or(chrono::Duration::MAX);
    if record.closed_at.is_none() && now - record.updated_at <= idle_limit {
        return Ok(());
    }
    if record.closed_at.is_none() {
        let closed = state.store().close_idle(now - idle_limit, now).await?;
        metrics::counter!("hotline_sessions_closed_total").increment(closed);
        state.publish(session_event(
            &record.id,
            "closed",
            serde_json::json!({"reason": "idle"}),
        ));
    }
    Err(ApiError::new(
        ErrorCode::SessionClosed,
        "this session is closed (idle too long); please open a new one",
    ))
}

/// `POST /v1/sessions/{id}/messages` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    pub text: String,
    /// The sender's id for this message (up to 64 characters): a resend
    /// with the same id gets the first Turn again and changes nothing.
    pub client_id: Option<String>,
}

/// Longest client id accepted.
const MAX_CLIENT_ID_CHARS: usize = 64;

/// One utterance → one Turn. The turn is stored durably before the reply.
/// The caller's words go to the dialogue; while an agent holds the call the
/// assistant stays silent (the Turn's reply is empty) and its reply becomes
/// the agent's suggestion. An agent's message on a call they hold is the
/// agent's own words to the caller (role `agent`).
#[utoipa::path(post, path = "/v1/sessions/{id}/messages", request_body = MessageRequest,
    params(("id" = String, Path, description = "session id")),
    responses((status = 200, description = "Turn (contract §3), with `registration_id` when one was made", body = Object),
              (status = 400, description = "bad input, the field named", body = ErrorBody), (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "a token that does not open this", body = ErrorBody),
              (status = 404, description = "unknown id", body = ErrorBody), (status = 409, description = "session closed, or waiting for an agent to accept", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn post_message(
    State(state): State<AppState>,
    credential: Credential,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<MessageRequest>,
) -> Result<Response, ApiError> {
    let text = request.text.trim().to_string();
    if text.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            "text: must not be empty",
        ));
    }
    let characters = text.chars().count();
    if characters > MAX_TEXT_CHARS {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            format!("text: longer than {MAX_TEXT_CHARS} characters"),
        ));
    }
    let client_id = request.client_id.filter(|id| !id.is_empty());
    if client_id
        .as_ref()
        .is_some_and(|id| id.chars().count() > MAX_CLIENT_ID_CHARS)
    {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            format!("client_id: longer than {MAX_CLIENT_ID_CHARS} characters"),
        ));
    }
    retrying_conflicts(|| {
        apply_message(
            &state,
            &credential,
            &id,
            &text,
            characters,
            client_id.clone(),
        )
    })
    .await
}

/// One attempt at a message's turn: on the session as stored now, under
/// this node's lock of it.
async fn apply_message(
    state: &AppState,
    credential: &Credential,
    id: &str,
    text: &str,
    characters: usize,
    client_id: Option<String>,
) -> Result<Response, ApiError> {
    let lock = state.session_lock(id);
    let _guard = lock.lock().await;
    let (record, access) = open_session(state, credential, id).await?;
    let channel = record.channel;
    if let Some(delivered) = record
        .session
        .delivered
        .as_ref()
        .filter(|delivered| client_id.as_ref() == Some(&delivered.client_id))
    {
        // A resend of a message already applied: the same answer again.
        let registration_id = delivered.registration_id.as_deref();
        let body = turn_json(&delivered.turn, registration_id, access, channel);
        return Ok(axum::Json(body).into_response());
    }
    ensure_open(state, &record).await?;

    let started = Instant::now();
    let agent = match credential {
        Credential::Agent(name) => Some(name.clone()),
        _ => None,
    };
    let mut session = record.session;
    let before = session.state;
    let now = Utc::now();
    // Questions asked mid-call that the texts refused or were unsure of,
    // kept like /v1/ask's (masked) once the turn is stored.
    let mut asked_misses = Vec::new();
    let (mut session, turn) = if agent.is_some() && handoff::is_held(&session) {
        // The agent's own words to the caller, on a call they hold.
        if session.state != DialogueState::AgentActive {
            return Err(ApiError::new(
                ErrorCode::NotAccepted,
                "accept the call first (POST /v1/sessions/{id}/accept)",
            ));
        }
        let turn = handoff::quiet_turn(&session, "agent_message");
        (session, turn)
    } else {
        let assistant = state.assistant().clone();
        let utterance = text.to_string();
        let region = session.slots.region.clone();
        let (session, turn, misses) = compute(characters, move || {
            let (turn, answers) = if handoff::is_held(&session) {
                let turn = handoff::caller_says(assistant.as_ref(), &mut session, &utterance);
                (turn, Vec::new())
            } else {
                assistant.turn_asking(&mut session, &utterance)
            };
            let misses: Vec<_> = answers
                .iter()
                .filter_map(|answer| misses::of_answer(&assistant, answer, Some(region.clone())))
                .collect();
            (session, turn, misses)
        })
        .await?;
        asked_misses = misses;
        (session, turn)
    };
    if turn.state == DialogueState::Handoff && before != DialogueState::Handoff {
        handoff::wait(&mut session, before, now);
    }

    let speaker = if agent.is_some() {
        Role::Agent
    } else {
        Role::Caller
    };
    let registration = turn.completed.as_ref().map(|completed| RegistrationRecord {
        id: format!("r_{}", random_hex(8)),
        session_id: id.to_string(),
        application: completed.application.clone(),
        decision: completed.decision.clone(),
        created_at: now,
    });
    let registration_id = registration.as_ref().map(|r| r.id.to_string());
    if let Some(client_id) = client_id {
        session.delivered = Some(Delivered {
            client_id,
            turn: turn.clone(),
            registration_id: registration_id.clone(),
        });
    }
    let mut transcript = vec![TranscriptEntry {
        role: speaker,
        text: text.to_string(),
        at: now,
    }];
    if !turn.reply.is_empty() {
        transcript.push(TranscriptEntry {
            role: Role::Assistant,
            text: turn.reply.clone(),
            at: now,
        });
    }
    let write = TurnWrite {
        version: record.version,
        session,
        at: now,
        transcript,
        slot_changes: turn.slot_changes.clone(),
        registration: registration.clone(),
        audit: agent.map(|agent| AuditEntry {
            at: now,
            actor: agent,
            action: "message".into(),
            session_id: Some(id.to_string()),
            detail: serde_json::json!({"text": text}),
        }),
    };
    state.store().record_turn(id, &write).await?;
    for miss in &asked_misses {
        misses::record(state, miss);
    }

    record_turn_metrics(&turn, started);
    // The utterance itself is not logged: a name in free text cannot be
    // recognised reliably enough to be masked. The transcript keeps it.
    tracing::info!(
        session_id = %id,
        intent = %turn.intent,
        state = %state_id(turn.state),
        characters,
        slots_changed = turn.slot_changes.len(),
        "turn"
    );
    publish_turn(
        state,
        id,
        speaker,
        &text,
        &turn,
        &write.session,
        registration_id.as_deref(),
    );
    Ok(axum::Json(turn_json(
        &turn,
        registration_id.as_deref(),
        access,
        channel,
    ))
    .into_response())
}

/// How many times a turn is computed before its conflict reaches the
/// caller as a 409.
const TURN_ATTEMPTS: u32 = 20;

/// Runs `attempt` again while it ends in `turn_conflict`: another node's
/// turn on the same session (or the idle closer) landed first, so the
/// store refused this one, computed on the older state, with nothing
/// written. The next attempt reads the session as it is now. A short
/// random pause spreads the contenders; after [`TURN_ATTEMPTS`] the
/// conflict is the answer.
pub(super) async fn retrying_conflicts<F, Fut>(mut attempt: F) -> Result<Response, ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Response, ApiError>>,
{
    for tried in 1..TURN_ATTEMPTS {
        match attempt().await {
            Err(error) if error.code == ErrorCode::TurnConflict => {
                metrics::counter!("hotline_turn_conflicts_total").increment(1);
                let pause = rand::random_range(0..=u64::from(tried.min(10)) * 2);
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            }
            done => return done,
        }
    }
    attempt().await
}

fn record_turn_metrics(turn: &Turn, started: Instant) {
    metrics::histogram!("hotline_turn_duration_seconds").record(started.elapsed().as_secs_f64());
    metrics::counter!("hotline_turns_total", "state" => state_id(turn.state)).increment(1);
    if turn.state == DialogueState::Handoff {
        metrics::counter!("hotline_handoffs_total").increment(1);
    }
    if let Some(decision) = &turn.decision {
        metrics::counter!("hotline_decisions_total", "status" => decision.status.id()).increment(1);
    }
    if turn.completed.is_some() {
        metrics::counter!("hotline_registrations_total").increment(1);
    }
}

/// An event of session `id`; its body carries the session's id, so the
/// agents' stream of all sessions can tell them apart.
pub(super) fn session_event(
    id: &str,
    kind: &'static str,
    mut data: serde_json::Value,
) -> SessionEvent {
    if let serde_json::Value::Object(fields) = &mut data {
        fields.insert("session_id".into(), id.into());
    }
    SessionEvent {
        session_id: id.to_string(),
        kind,
        data,
    }
}

/// Publishes a turn, its slot changes and its decision to the event
/// streams; with the agent's suggested reply while a person holds the call.
#[allow(clippy::too_many_arguments)]
pub(super) fn publish_turn(
    state: &AppState,
    id: &str,
    speaker: Role,
    text: &str,
    turn: &Turn,
    session: &Session,
    registration_id: Option<&str>,
) {
    if !state.watched() {
        return;
    }
    state.publish(session_event(
        id,
        "turn",
        serde_json::json!({
            "role": speaker, "text": text, "reply": turn.reply,
            "intent": turn.intent, "state": turn.state, "missing": turn.missing,
            "suggestion": session.held.as_ref().and_then(|held| held.suggestion.clone()),
        }),
    ));
    publish_changes(state, id, turn);
    if let Some(registration_id) = registration_id {
        state.publish(session_event(
            id,
            "registration",
            serde_json::json!({"registration_id": registration_id}),
        ));
    }
}

/// Publishes a turn's slot changes and its decision.
fn publish_changes(state: &AppState, id: &str, turn: &Turn) {
    if !state.watched() {
        return;
    }
    for change in &turn.slot_changes {
        state.publish(session_event(
            id,
            "slot",
            serde_json::to_value(change).unwrap_or_default(),
        ));
    }
    if let Some(decision) = &turn.decision {
        state.publish(session_event(
            id,
            "decision",
            serde_json::to_value(decision).unwrap_or_default(),
        ));
    }
}

/// The session as an agent's screen or a widget shows it.
#[utoipa::path(get, path = "/v1/sessions/{id}",
    params(("id" = String, Path, description = "session id")),
    responses((status = 200, description = "session_id, channel, region, state, slots, transcript, decision?, slot_history, registrations", body = Object),
              (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "a token that does not open this", body = ErrorBody), (status = 404, description = "unknown id", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn session_view(
    State(state): State<AppState>,
    credential: Credential,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (record, access) = open_session(&state, &credential, &id).await?;
    let transcript = state.store().transcript(&id).await?;
    let slot_history = state.store().slot_history(&id).await?;
    let registrations = state.store().registrations_of(&id).await?;
    let mut view = serde_json::json!({
        "session_id": record.id,
        "channel": record.channel,
        "region": record.region,
        "region_name": state.assistant().corpus.region(&record.region).map(|region| region.name.clone()),
        "state": record.session.state,
        "today": record.session.today,
        "slots": record.session.slots,
        "transcript": transcript,
        "slot_history": slot_history,
        "registrations": registrations,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "closed": record.closed_at.is_some(),
        "closed_at": record.closed_at,
    });
    if let Some(decision) = &record.session.decision {
        view["decision"] = serde_json::to_value(decision).unwrap_or_default();
    }
    if access == Access::Agent {
        // What only the agents' screen needs: who holds the call and the
        // suggested reply, whether the materials were asked, the wrap-up,
        // and the cited documents' titles.
        view["held"] = serde_json::to_value(&record.session.held).unwrap_or_default();
        view["materials_asked"] = record.session.materials_asked.into();
        let audit = state.store().audit_log(Some(&id)).await?;
        if let Some(wrap_up) = audit.iter().find(|entry| entry.action == "wrap_up") {
            view["wrap_up"] = serde_json::to_value(wrap_up).unwrap_or_default();
        }
        view["documents"] = cited_documents(&state, record.session.decision.as_ref());
    }
    if access.masks(record.channel) {
        pii::mask_ids_json(&mut view);
    }
    Ok(axum::Json(view).into_response())
}

/// The Chinese titles of the documents a decision cites, by `doc_id`.
fn cited_documents(
    state: &AppState,
    decision: Option<&crate::rules::Decision>,
) -> serde_json::Value {
    let corpus = &state.assistant().corpus;
    let titles: serde_json::Map<String, serde_json::Value> = decision
        .map(|decision| decision.citations.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|citation| {
            let document = corpus.document(&citation.doc_id)?;
            Some((citation.doc_id.clone(), document.title.clone().into()))
        })
        .collect();
    serde_json::Value::Object(titles)
}

/// Server-Sent Events: `turn`, `slot`, `decision`, `registration`, `closed`.
#[utoipa::path(get, path = "/v1/sessions/{id}/events",
    params(("id" = String, Path, description = "session id")),
    responses((status = 200, description = "text/event-stream", body = String),
              (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "a token that does not open this", body = ErrorBody), (status = 404, description = "unknown id", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn session_events(
    State(state): State<AppState>,
    credential: Credential,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (record, access) = open_session(&state, &credential, &id).await?;
    Ok(events::stream(&state, Some(id), access, record.channel).into_response())
}

/// `POST /v1/sessions/{id}/slots` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotEditRequest {
    /// Dotted slot name, e.g. `applicant.phone`.
    pub slot: String,
    #[schema(value_type = Object)]
    pub value: serde_json::Value,
}

/// An agent corrects a slot on the screen (audited). The reply says the
/// new value and reads the form back: to the caller while the assistant
/// has the call (it goes into the transcript), as the agent's suggestion
/// while an agent holds it. Either way the caller must confirm again.
#[utoipa::path(post, path = "/v1/sessions/{id}/slots", request_body = SlotEditRequest,
    params(("id" = String, Path, description = "session id")),
    responses((status = 200, description = "Turn after the edit", body = Object),
              (status = 400, description = "bad input, the field named: an unknown slot, a value of the wrong kind, an ID number or phone that does not check out (the session is left as it was)", body = ErrorBody), (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "a token that does not open this", body = ErrorBody),
              (status = 404, description = "unknown id", body = ErrorBody), (status = 409, description = "session closed", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn edit_slot(
    State(state): State<AppState>,
    credential: Credential,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<SlotEditRequest>,
) -> Result<Response, ApiError> {
    retrying_conflicts(|| apply_slot_edit(&state, &credential, &id, &request)).await
}

/// One attempt of [`edit_slot`], on the session as stored now.
async fn apply_slot_edit(
    state: &AppState,
    credential: &Credential,
    id: &str,
    request: &SlotEditRequest,
) -> Result<Response, ApiError> {
    let agent = credential.agent()?.to_string();
    let lock = state.session_lock(id);
    let _guard = lock.lock().await;
    let (record, _) = open_session(state, credential, id).await?;
    ensure_open(state, &record).await?;
    let mut session = record.session;
    let turn = state
        .assistant()
        .edit_slot(&mut session, &request.slot, request.value.clone())?;
    let now = Utc::now();
    let spoken = (!turn.reply.is_empty()).then(|| TranscriptEntry {
        role: Role::Assistant,
        text: turn.reply.clone(),
        at: now,
    });
    let write = TurnWrite {
        version: record.version,
        session,
        at: now,
        transcript: spoken.into_iter().collect(),
        slot_changes: turn.slot_changes.clone(),
        registration: None,
        audit: Some(AuditEntry {
            at: now,
            actor: agent,
            action: "edit_slot".into(),
            session_id: Some(id.to_string()),
            detail: serde_json::json!({"slot": request.slot, "value": request.value}),
        }),
    };
    state.store().record_turn(id, &write).await?;
    tracing::info!(session_id = %id, slot = %request.slot, "agent edited a slot");
    publish_turn(state, id, Role::Agent, "", &turn, &write.session, None);
    Ok(axum::Json(turn_json(&turn, None, Access::Agent, SessionChannel::Agent)).into_response())
}

/// Agents: the audit log of agent actions, newest first.
#[utoipa::path(get, path = "/v1/audit",
    responses((status = 200, description = "audit entries", body = Object),
              (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "a token that does not open this", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn audit_log(
    State(state): State<AppState>,
    credential: Credential,
) -> Result<Response, ApiError> {
    credential.require_agent()?;
    let entries = state.store().audit_log(None).await?;
    Ok(axum::Json(serde_json::json!({"entries": entries})).into_response())
}

/// A registration is readable by agents and by the token of the session
/// that made it.
async fn load_registration(
    state: &AppState,
    credential: &Credential,
    id: &str,
) -> Result<(RegistrationRecord, Access), ApiError> {
    credential.require_some()?;
    let registration = state.store().registration(id).await?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::RegistrationNotFound,
            format!("no registration `{id}`"),
        )
    })?;
    let access = match credential {
        Credential::Agent(_) => Access::Agent,
        _ => {
            let session = state
                .store()
                .session(&registration.session_id)
                .await?
                .ok_or_else(|| ApiError::internal("registration without its session"))?;
            credential.access_session(&session)?
        }
    };
    Ok((registration, access))
}

/// The registration: Application, Decision, session id.
#[utoipa::path(get, path = "/v1/registrations/{id}",
    params(("id" = String, Path, description = "registration id")),
    responses((status = 200, description = "registration_id, session_id, application, decision, created_at", body = Object),
              (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "a token that does not open this", body = ErrorBody), (status = 404, description = "unknown id", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn registration(
    State(state): State<AppState>,
    credential: Credential,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (registration, access) = load_registration(&state, &credential, &id).await?;
    let mut body = serde_json::json!({
        "registration_id": registration.id,
        "session_id": registration.session_id,
        "application": registration.application,
        "decision": registration.decision,
        "created_at": registration.created_at,
    });
    if access != Access::Agent {
        pii::mask_ids_json(&mut body);
    }
    Ok(axum::Json(body).into_response())
}

/// A link to the printable form that opens without a token, valid for a
/// few minutes and for this registration only: a new browser tab cannot
/// send the Authorization header, and a token never goes into a URL.
#[utoipa::path(post, path = "/v1/registrations/{id}/print-link",
    params(("id" = String, Path, description = "registration id")),
    responses((status = 200, description = "`url` of the form, with a short-lived ticket", body = Object),
              (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "a token that does not open this", body = ErrorBody), (status = 404, description = "unknown id", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn print_link(
    State(state): State<AppState>,
    credential: Credential,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    load_registration(&state, &credential, &id).await?;
    let ticket = random_hex(16);
    state.print_tickets().issue(&ticket, &id);
    let url = format!("/v1/registrations/{id}/form?ticket={ticket}");
    Ok(axum::Json(serde_json::json!({"url": url})).into_response())
}

#[derive(Debug, Deserialize)]
pub struct FormQuery {
    pub ticket: Option<String>,
}

/// The printable 备案表 and fax cover sheet, as HTML: with a token, or with
/// a ticket from `print-link`.
#[utoipa::path(get, path = "/v1/registrations/{id}/form",
    params(("id" = String, Path, description = "registration id"),
           ("ticket" = Option<String>, Query, description = "a ticket from print-link, instead of a token")),
    responses((status = 200, description = "text/html", body = String),
              (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "a token or ticket that does not open this", body = ErrorBody), (status = 404, description = "unknown id", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn registration_form(
    State(state): State<AppState>,
    credential: Credential,
    Path(id): Path<String>,
    Query(query): Query<FormQuery>,
) -> Result<Response, ApiError> {
    let registration = match (&query.ticket, &credential) {
        (Some(ticket), Credential::None) => {
            if !state.print_tickets().valid(ticket, &id) {
                return Err(ApiError::forbidden(
                    "this print link has expired or is not for this registration",
                ));
            }
            state.store().registration(&id).await?.ok_or_else(|| {
                ApiError::new(
                    ErrorCode::RegistrationNotFound,
                    format!("no registration `{id}`"),
                )
            })?
        }
        _ => load_registration(&state, &credential, &id).await?.0,
    };
    let assistant = state.assistant();
    let application = &registration.application;
    let region = assistant.corpus.region(&application.region);
    let region_name = region.map_or(application.region.as_str(), |region| region.name.as_str());
    let maternity = application.scheme == Some(crate::rules::Scheme::Maternity);
    let title = region
        .and_then(|region| {
            let maternity_form = region.maternity_form.as_deref().filter(|_| maternity);
            maternity_form.or(region.form.as_deref())
        })
        .unwrap_or("异地就医登记备案表");
    let material = |id: &str| {
        crate::dialogue::Services::material_label(assistant.as_ref(), &application.region, id)
    };
    let channel = |via: &crate::rules::Channel| assistant.policies.channel_label(via);
    let labels = form::FormLabels {
        region_name,
        title,
        material: &material,
        channel: &channel,
        slots: &assistant.slots,
    };
    Ok(Html(form::render(&registration, &labels)).into_response())
}

/// Closes sessions idle past the TTL, forever (run as a background task).
pub async fn close_idle_sessions_forever(state: AppState) {
    let ttl = state.settings().session_ttl;
    let every = (ttl / 4).clamp(
        std::time::Duration::from_secs(1),
        std::time::Duration::from_secs(60),
    );
    let idle_limit = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX);
    loop {
        tokio::time::sleep(every).await;
        let now = Utc::now();
        match state.store().close_idle(now - idle_limit, now).await {
            Ok(0) => {}
            Ok(closed) => {
                metrics::counter!("hotline_sessions_closed_total").increment(closed);
                tracing::info!(closed, "closed idle sessions");
            }
            Err(error) => tracing::error!(%error, "closing idle sessions failed"),
        }
    }
}
