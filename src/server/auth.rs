//! Who is calling: nobody, the agents (configured token) or the holder of
//! one session's token. Sessions' tokens are compared by SHA-256 digest.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::{ApiError, AppState};
use crate::store::{SessionRecord, token_digest};

/// The credential a request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    None,
    Agent,
    /// Some token that is not the agents': a session's, or nothing valid.
    Token(String),
}

/// What a credential may do with one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Sees everything whole.
    Agent,
    /// The session's own holder; sees personal data masked.
    Owner,
}

impl Credential {
    /// Agents only: 401 without a token, 403 with any other token.
    pub fn require_agent(&self) -> Result<(), ApiError> {
        match self {
            Credential::Agent => Ok(()),
            Credential::None => Err(ApiError::unauthorized(
                "this endpoint needs the agents' token (Authorization: Bearer …)",
            )),
            Credential::Token(_) => Err(ApiError::forbidden(
                "this endpoint is for agents; a session's token does not open it",
            )),
        }
    }

    /// 401 without a token; 403 with a token that is neither the agents'
    /// nor this session's.
    pub fn access_session(&self, record: &SessionRecord) -> Result<Access, ApiError> {
        match self {
            Credential::Agent => Ok(Access::Agent),
            Credential::None => Err(ApiError::unauthorized(
                "this session needs its token (Authorization: Bearer …)",
            )),
            Credential::Token(token) if token_digest(token) == record.token_sha256 => {
                Ok(Access::Owner)
            }
            Credential::Token(_) => {
                Err(ApiError::forbidden("this token does not open this session"))
            }
        }
    }

    /// Refuses a missing token before anything is looked up.
    pub fn require_some(&self) -> Result<(), ApiError> {
        match self {
            Credential::None => Err(ApiError::unauthorized(
                "a token is needed (Authorization: Bearer …)",
            )),
            _ => Ok(()),
        }
    }
}

fn bearer(parts: &Parts) -> Result<Option<String>, ApiError> {
    if let Some(value) = parts.headers.get(AUTHORIZATION) {
        let value = value
            .to_str()
            .map_err(|_| ApiError::unauthorized("Authorization header is not text"))?;
        let token = value
            .strip_prefix("Bearer ")
            .ok_or_else(|| ApiError::unauthorized("Authorization must be `Bearer <token>`"))?;
        return Ok(Some(token.trim().to_string()));
    }
    // Browsers' EventSource cannot set headers; the event stream also
    // accepts `?access_token=`.
    let from_query = parts.uri.query().and_then(|query| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("access_token="))
            .map(str::to_string)
    });
    Ok(from_query)
}

impl FromRequestParts<AppState> for Credential {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(token) = bearer(parts)? else {
            return Ok(Credential::None);
        };
        if token.is_empty() {
            return Ok(Credential::None);
        }
        let is_agent = state
            .settings()
            .agent_token
            .as_deref()
            .is_some_and(|agent| {
                // Compare digests so the comparison time says nothing about
                // how much of the token matched.
                token_digest(agent) == token_digest(&token)
            });
        Ok(if is_agent {
            Credential::Agent
        } else {
            Credential::Token(token)
        })
    }
}
