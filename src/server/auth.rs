//! Who is calling: nobody, an agent (each with their own token, known by
//! its SHA-256 digest) or the holder of one session's token. Tokens are
//! compared by digest.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::{ApiError, AppState};
use crate::store::{SessionRecord, token_digest};

/// The credential a request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    None,
    /// An agent, by name.
    Agent(String),
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

impl Access {
    /// Whether ID numbers are masked for this reader of a session on
    /// `channel`. A widget runs in a caller's browser: it shows the caller
    /// their own name and phone (to check the read-back) but not the ID
    /// number whole; the phone gateway must read the digits back to the
    /// caller and the agent channel is an agent's screen, so those see all.
    pub fn masks(self, channel: crate::dialogue::SessionChannel) -> bool {
        self == Access::Owner && channel == crate::dialogue::SessionChannel::Widget
    }
}

impl Credential {
    /// Agents only: 401 without a token, 403 with any other token.
    pub fn require_agent(&self) -> Result<(), ApiError> {
        self.agent().map(|_| ())
    }

    /// 401 without a token; 403 with a token that is neither the agents'
    /// nor this session's.
    pub fn access_session(&self, record: &SessionRecord) -> Result<Access, ApiError> {
        match self {
            Credential::Agent(_) => Ok(Access::Agent),
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

    /// The acting agent's name, for the audit log: 401 without a token,
    /// 403 with any other token.
    pub fn agent(&self) -> Result<&str, ApiError> {
        match self {
            Credential::Agent(name) => Ok(name),
            Credential::None => Err(ApiError::unauthorized(
                "this endpoint needs an agent's token (Authorization: Bearer …)",
            )),
            Credential::Token(_) => Err(ApiError::forbidden(
                "this endpoint is for agents; a session's token does not open it",
            )),
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
    // Never from the URL: a token there ends up in logs and history.
    Ok(None)
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
        // Compare digests so the comparison time says nothing about how
        // much of the token matched.
        let digest = token_digest(&token);
        let agent = state
            .settings()
            .agents
            .iter()
            .find(|agent| agent.token_sha256 == digest);
        Ok(match agent {
            Some(agent) => Credential::Agent(agent.name.clone()),
            None => Credential::Token(token),
        })
    }
}
