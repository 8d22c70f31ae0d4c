//! The one error type of the HTTP layer. Every failure leaves as
//! `{"error": {"code", "message"}}` with its status; internal details are
//! logged (masked) and never shown.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::pii;
use crate::answer::AskError;
use crate::rules::RulesInputError;
use crate::store::{Failure, StoreError};

/// Every error code the API answers with, and its status: the one place
/// where a kind of failure is given its HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// A field of the body is missing, of the wrong type or not allowed.
    InvalidField,
    /// A query-string parameter is wrong.
    InvalidQuery,
    MalformedJson,
    BadBody,
    UnsupportedMediaType,
    PayloadTooLarge,
    Unauthorized,
    Forbidden,
    NoRoute,
    MethodNotAllowed,
    SessionNotFound,
    RegistrationNotFound,
    Timeout,
    /// The session was closed for idling.
    SessionClosed,
    /// An agent spoke on a call they have not accepted.
    NotAccepted,
    /// The session moved on while the turn was computed.
    TurnConflict,
    TakenByAnotherAgent,
    NotHeld,
    NotReadBack,
    NotConfirmed,
    AlreadyDone,
    RateLimited,
    StorageFull,
    DatabaseUnavailable,
    Internal,
}

impl ErrorCode {
    /// The `code` of the error body.
    pub fn id(self) -> &'static str {
        match self {
            ErrorCode::InvalidField => "invalid_field",
            ErrorCode::InvalidQuery => "invalid_query",
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::BadBody => "bad_body",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NoRoute => "no_route",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::SessionNotFound => "session_not_found",
            ErrorCode::RegistrationNotFound => "registration_not_found",
            ErrorCode::Timeout => "timeout",
            ErrorCode::SessionClosed => "session_closed",
            ErrorCode::NotAccepted => "not_accepted",
            ErrorCode::TurnConflict => "turn_conflict",
            ErrorCode::TakenByAnotherAgent => "taken_by_another_agent",
            ErrorCode::NotHeld => "not_held",
            ErrorCode::NotReadBack => "not_read_back",
            ErrorCode::NotConfirmed => "not_confirmed",
            ErrorCode::AlreadyDone => "already_done",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::StorageFull => "storage_full",
            ErrorCode::DatabaseUnavailable => "database_unavailable",
            ErrorCode::Internal => "internal",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::InvalidField
            | ErrorCode::InvalidQuery
            | ErrorCode::MalformedJson
            | ErrorCode::BadBody => StatusCode::BAD_REQUEST,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::NoRoute | ErrorCode::SessionNotFound | ErrorCode::RegistrationNotFound => {
                StatusCode::NOT_FOUND
            }
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::Timeout => StatusCode::REQUEST_TIMEOUT,
            ErrorCode::SessionClosed
            | ErrorCode::NotAccepted
            | ErrorCode::TurnConflict
            | ErrorCode::TakenByAnotherAgent
            | ErrorCode::NotHeld
            | ErrorCode::NotReadBack
            | ErrorCode::NotConfirmed
            | ErrorCode::AlreadyDone => StatusCode::CONFLICT,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::StorageFull => StatusCode::INSUFFICIENT_STORAGE,
            ErrorCode::DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.code.status()
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Unauthorized, message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Forbidden, message)
    }

    /// Something on our side failed; the caller learns only that.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(detail = %pii::mask_text(&detail.to_string(), &[]), "internal error");
        ApiError::new(ErrorCode::Internal, "内部错误，请稍后再试 (internal error)")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (code, status) = (self.code.id(), self.status());
        metrics::counter!("hotline_errors_total", "code" => code).increment(1);
        if status.is_client_error() {
            tracing::info!(code, status = status.as_u16(), "request refused");
        }
        let body = serde_json::json!({"error": {"code": code, "message": self.message}});
        (status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error.failure() {
            Failure::Full => {
                tracing::error!(detail = %error, "storage full");
                ApiError::new(
                    ErrorCode::StorageFull,
                    "存储空间已满，本轮对话未保存，请稍后再试 (storage full: nothing was saved)",
                )
            }
            Failure::Unavailable => {
                tracing::error!(detail = %pii::mask_text(&error.to_string(), &[]), "database unavailable");
                ApiError::new(
                    ErrorCode::DatabaseUnavailable,
                    "数据库暂时无法访问，本轮对话未保存，请稍后再试 (database unavailable: nothing was saved)",
                )
            }
            Failure::Conflict => ApiError::new(
                ErrorCode::TurnConflict,
                "这通对话同时收到了别的消息，本条未保存，请再发一次 (the session changed meanwhile: nothing was saved)",
            ),
            Failure::Internal => ApiError::internal(error),
        }
    }
}

impl From<RulesInputError> for ApiError {
    fn from(error: RulesInputError) -> ApiError {
        ApiError::new(ErrorCode::InvalidField, error.to_string())
    }
}

/// Every AskError is about the question the client sent.
impl From<AskError> for ApiError {
    fn from(error: AskError) -> ApiError {
        ApiError::new(ErrorCode::InvalidField, error.to_string())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let message = rejection.body_text();
        match rejection {
            JsonRejection::JsonDataError(_) => ApiError::new(
                ErrorCode::InvalidField,
                message.replace(
                    "Failed to deserialize the JSON body into the target type: ",
                    "",
                ),
            ),
            JsonRejection::JsonSyntaxError(_) => ApiError::new(ErrorCode::MalformedJson, message),
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "expected `Content-Type: application/json`",
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                ErrorCode::PayloadTooLarge,
                "request body is larger than 64 KiB",
            ),
            _ => ApiError::new(ErrorCode::BadBody, message),
        }
    }
}
