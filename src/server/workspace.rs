//! The agents' workspace: the queue of callers (most urgent first, pushed
//! live), and taking a call over — accept, give back, submit the
//! registration, wrap up. Every action is audited under the agent's name.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;

use super::auth::{Access, Credential};
use super::handlers::{
    ErrorBody, ensure_open, open_session, publish_turn, random_hex, retrying_conflicts,
    session_event, turn_json,
};
use super::json::ApiJson;
use super::{ApiError, AppState, events, pii};
use crate::dialogue::handoff::{self, Refusal};
use crate::dialogue::{DialogueState, SessionChannel};
use crate::server::ErrorCode;
use crate::store::{
    AuditEntry, RegistrationRecord, Role, SessionSummary, TranscriptEntry, TurnWrite,
};

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub include_closed: bool,
    /// Also list sessions where nobody has said anything yet.
    #[serde(default)]
    pub include_empty: bool,
}

/// Agents: the queue. Callers waiting for an agent come first (longest
/// wait first), then calls an agent holds, then the rest by latest
/// activity. A widget opened and never used is left out.
#[utoipa::path(get, path = "/v1/sessions",
    params(("include_closed" = Option<bool>, Query, description = "list closed sessions too"),
           ("include_empty" = Option<bool>, Query, description = "list sessions nobody has spoken in")),
    responses((status = 200, description = "`sessions`: caller cards (session_id, channel, region, region_name, state, name, phone (masked), category, destination, waiting_since, agent, updated_at)", body = Object),
              (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "a token that does not open this", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_sessions(
    State(state): State<AppState>,
    credential: Credential,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    credential.require_agent()?;
    let Query(query) =
        query.map_err(|error| ApiError::new(ErrorCode::InvalidQuery, error.body_text()))?;
    let mut sessions: Vec<SessionSummary> = state
        .store()
        .list_sessions(query.include_closed)
        .await?
        .into_iter()
        .filter(|summary| query.include_empty || summary.updated_at > summary.created_at)
        .collect();
    sessions.sort_by_key(|summary| {
        let rank = match summary.session.state {
            DialogueState::Handoff => 0,
            DialogueState::AgentActive => 1,
            _ => 2,
        };
        let waiting = summary.session.held.as_ref().map(|held| held.since);
        (rank, waiting, std::cmp::Reverse(summary.updated_at))
    });
    let cards: Vec<serde_json::Value> = sessions.iter().map(|s| card(&state, s)).collect();
    Ok(axum::Json(serde_json::json!({"sessions": cards})).into_response())
}

/// One caller as the queue shows them: who, what for, where to, and how
/// long they have been waiting for a person.
fn card(state: &AppState, summary: &SessionSummary) -> serde_json::Value {
    let session = &summary.session;
    let applicant = session.slots.applicant.as_ref();
    let region_name = state
        .assistant()
        .corpus
        .region(&summary.region)
        .map(|region| region.name.clone());
    serde_json::json!({
        "session_id": summary.session_id,
        "channel": summary.channel,
        "region": summary.region,
        "region_name": region_name,
        "state": if summary.closed_at.is_some() { "closed".to_string() } else { summary.state.clone() },
        "name": applicant.and_then(|applicant| applicant.name.clone()),
        "phone": applicant.and_then(|applicant| applicant.phone.as_deref().map(pii::mask_phone)),
        "category": session.slots.category,
        "destination": session.slots.destination,
        "waiting_since": session.held.as_ref().map(|held| held.since),
        "agent": session.held.as_ref().and_then(|held| held.agent.clone()),
        "created_at": summary.created_at,
        "updated_at": summary.updated_at,
        "closed_at": summary.closed_at,
    })
}

/// Agents: Server-Sent Events of every session (each body carries its
/// `session_id`), so the queue updates as callers speak.
#[utoipa::path(get, path = "/v1/events",
    responses((status = 200, description = "text/event-stream: `turn`, `slot`, `decision`, `registration`, `agent`, `closed` of every session", body = String),
              (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "a token that does not open this", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn all_events(
    State(state): State<AppState>,
    credential: Credential,
) -> Result<Response, ApiError> {
    credential.require_agent()?;
    Ok(events::stream(&state, None, Access::Agent, SessionChannel::Agent).into_response())
}

fn refused(refusal: Refusal) -> ApiError {
    let code = match refusal {
        Refusal::TakenBy(_) => ErrorCode::TakenByAnotherAgent,
        Refusal::NotHeld => ErrorCode::NotHeld,
        Refusal::NotReadBack => ErrorCode::NotReadBack,
        Refusal::NotConfirmed => ErrorCode::NotConfirmed,
        Refusal::AlreadyDone => ErrorCode::AlreadyDone,
    };
    ApiError::new(code, refusal.to_string())
}

/// What the agent said or did on the call, told to the caller.
struct Said {
    /// The line for the caller's transcript, as the agent's.
    agent_line: Option<String>,
    /// The action for the audit log, with its detail.
    action: &'static str,
    detail: serde_json::Value,
}

/// Applies `change` to session `id` under its lock as the acting agent,
/// stores it with the agent's line and an audit entry, and tells every
/// screen. Returns the session's state afterwards as a Turn.
async fn act(
    state: &AppState,
    credential: &Credential,
    id: &str,
    change: impl Fn(
        &mut crate::dialogue::Session,
        &str,
    ) -> Result<(Option<crate::dialogue::Turn>, Said), ApiError>,
) -> Result<Response, ApiError> {
    retrying_conflicts(|| act_once(state, credential, id, &change)).await
}

/// One attempt of [`act`], on the session as stored now.
async fn act_once(
    state: &AppState,
    credential: &Credential,
    id: &str,
    change: &impl Fn(
        &mut crate::dialogue::Session,
        &str,
    ) -> Result<(Option<crate::dialogue::Turn>, Said), ApiError>,
) -> Result<Response, ApiError> {
    let agent = credential.agent()?.to_string();
    let lock = state.session_lock(id);
    let _guard = lock.lock().await;
    let (record, _) = open_session(state, credential, id).await?;
    ensure_open(state, &record).await?;
    let mut session = record.session;
    let (completed_turn, said) = change(&mut session, &agent)?;
    let now = Utc::now();
    let turn = completed_turn.unwrap_or_else(|| handoff::quiet_turn(&session, said.action));
    let registration = turn.completed.as_ref().map(|completed| RegistrationRecord {
        id: format!("r_{}", random_hex(8)),
        session_id: id.to_string(),
        application: completed.application.clone(),
        decision: completed.decision.clone(),
        created_at: now,
    });
    let registration_id = registration.as_ref().map(|r| r.id.clone());
    let mut detail = said.detail;
    if let (Some(registration_id), serde_json::Value::Object(fields)) =
        (&registration_id, &mut detail)
    {
        fields.insert("registration_id".into(), registration_id.clone().into());
    }
    let write = TurnWrite {
        version: record.version,
        session,
        at: now,
        transcript: said
            .agent_line
            .iter()
            .map(|text| TranscriptEntry {
                role: Role::Agent,
                text: text.clone(),
                at: now,
            })
            .collect(),
        slot_changes: Vec::new(),
        registration,
        audit: Some(AuditEntry {
            at: now,
            actor: agent.clone(),
            action: said.action.into(),
            session_id: Some(id.to_string()),
            detail,
        }),
    };
    state.store().record_turn(id, &write).await?;
    tracing::info!(session_id = %id, action = said.action, "agent action");
    if registration_id.is_some() {
        metrics::counter!("hotline_registrations_total").increment(1);
    }
    let line = said.agent_line.unwrap_or_default();
    publish_turn(
        state,
        id,
        Role::Agent,
        &line,
        &turn,
        &write.session,
        registration_id.as_deref(),
    );
    if state.watched() {
        state.publish(session_event(
            id,
            "agent",
            serde_json::json!({"action": said.action, "agent": agent, "state": turn.state}),
        ));
    }
    let mut body = turn_json(
        &turn,
        registration_id.as_deref(),
        Access::Agent,
        SessionChannel::Agent,
    );
    body["held"] = serde_json::to_value(&write.session.held).unwrap_or_default();
    Ok(axum::Json(body).into_response())
}

/// An agent takes the call: the caller is told a person is here, and the
/// assistant stops answering them.
#[utoipa::path(post, path = "/v1/sessions/{id}/accept",
    params(("id" = String, Path, description = "session id")),
    responses((status = 200, description = "Turn, state `agent_active`, with `held`", body = Object),
              (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "not an agent's token", body = ErrorBody),
              (status = 404, description = "unknown id", body = ErrorBody), (status = 409, description = "closed, or held by another agent", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    credential: Credential,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    act(&state, &credential, &id, |session, agent| {
        let already = session.state == DialogueState::AgentActive;
        handoff::accept(session, agent, Utc::now()).map_err(refused)?;
        let greeting = format!("您好，我是人工坐席{agent}，接下来由我为您服务。");
        Ok((
            None,
            Said {
                agent_line: (!already).then_some(greeting),
                action: "accept",
                detail: serde_json::json!({}),
            },
        ))
    })
    .await
}

/// The agent gives the call back to the assistant, which goes on with the
/// form where it stands.
#[utoipa::path(post, path = "/v1/sessions/{id}/release",
    params(("id" = String, Path, description = "session id")),
    responses((status = 200, description = "Turn, the form's own state again", body = Object),
              (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "not an agent's token", body = ErrorBody),
              (status = 404, description = "unknown id", body = ErrorBody), (status = 409, description = "closed, or not held", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn release(
    State(state): State<AppState>,
    credential: Credential,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    act(&state, &credential, &id, |session, _| {
        handoff::release(session).map_err(refused)?;
        Ok((
            None,
            Said {
                agent_line: Some("接下来由智能助手继续为您办理，有需要可以随时再转人工。".into()),
                action: "release",
                detail: serde_json::json!({}),
            },
        ))
    })
    .await
}

/// The agent submits the registration: the rules' decision on what the
/// caller confirmed, stored as a registration made by this agent. The
/// outcome is told to the caller as the agent's message.
#[utoipa::path(post, path = "/v1/sessions/{id}/submit",
    params(("id" = String, Path, description = "session id")),
    responses((status = 200, description = "Turn with `registration_id` when the decision is accepted", body = Object),
              (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "not an agent's token", body = ErrorBody),
              (status = 404, description = "unknown id", body = ErrorBody), (status = 409, description = "not read back, not confirmed by the caller, or already done", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    credential: Credential,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let assistant = state.assistant().clone();
    act(&state, &credential, &id, move |session, _| {
        let turn = handoff::submit(assistant.as_ref(), session).map_err(refused)?;
        let reply = turn.reply.clone();
        Ok((
            Some(turn),
            Said {
                agent_line: Some(reply),
                action: "submit",
                detail: serde_json::json!({}),
            },
        ))
    })
    .await
}

/// How a call ended, for the records.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// 已登记备案
    Registered,
    /// 仅政策咨询
    InformationOnly,
    /// 已转其他部门
    ReferredElsewhere,
    /// 来电人挂断
    CallerHungUp,
    /// 需回访
    CallBack,
    /// 其他
    Other,
}

/// `POST /v1/sessions/{id}/wrap-up` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WrapUpRequest {
    pub disposition: Disposition,
    /// The agent's note (up to 500 characters).
    #[serde(default)]
    pub note: String,
}

const MAX_NOTE_CHARS: usize = 500;

/// The agent ends the call with a disposition and a note (stored in the
/// audit log); the session is done.
#[utoipa::path(post, path = "/v1/sessions/{id}/wrap-up", request_body = WrapUpRequest,
    params(("id" = String, Path, description = "session id")),
    responses((status = 200, description = "Turn, state `done`", body = Object),
              (status = 400, description = "unknown disposition or note too long", body = ErrorBody),
              (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "not an agent's token", body = ErrorBody),
              (status = 404, description = "unknown id", body = ErrorBody), (status = 409, description = "closed", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn wrap_up(
    State(state): State<AppState>,
    credential: Credential,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<WrapUpRequest>,
) -> Result<Response, ApiError> {
    let note = request.note.trim().to_string();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(ApiError::new(
            ErrorCode::InvalidField,
            format!("note: longer than {MAX_NOTE_CHARS} characters"),
        ));
    }
    act(&state, &credential, &id, move |session, _| {
        let was_agent = session.state == DialogueState::AgentActive;
        handoff::end(session);
        Ok((
            None,
            Said {
                agent_line: was_agent
                    .then(|| "感谢您的耐心，本次服务到这里，祝您生活愉快。".into()),
                action: "wrap_up",
                detail: serde_json::json!({"disposition": request.disposition, "note": note}),
            },
        ))
    })
    .await
}

/// Agents: who this token belongs to, for the screen's header.
#[utoipa::path(get, path = "/v1/agents/me",
    responses((status = 200, description = "`name` of the agent", body = Object),
              (status = 401, description = "no token", body = ErrorBody), (status = 403, description = "not an agent's token", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn me(credential: Credential) -> Result<Response, ApiError> {
    let name = credential.agent()?;
    Ok(axum::Json(serde_json::json!({"name": name})).into_response())
}
