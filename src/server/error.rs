//! The one error type of the HTTP layer. Every failure leaves as
//! `{"error": {"code", "message"}}` with its status; internal details are
//! logged (masked) and never shown.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::pii;
use crate::rules::RulesInputError;
use crate::store::{Failure, StoreError};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// Something on our side failed; the caller learns only that.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(detail = %pii::mask_text(&detail.to_string(), &[]), "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "内部错误，请稍后再试 (internal error)",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        metrics::counter!("hotline_errors_total", "code" => self.code).increment(1);
        if self.status.is_client_error() {
            tracing::info!(
                code = self.code,
                status = self.status.as_u16(),
                "request refused"
            );
        }
        let body = serde_json::json!({"error": {"code": self.code, "message": self.message}});
        (self.status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error.failure() {
            Failure::Full => {
                tracing::error!(detail = %error, "storage full");
                ApiError::new(
                    StatusCode::INSUFFICIENT_STORAGE,
                    "storage_full",
                    "存储空间已满，本轮对话未保存，请稍后再试 (storage full: nothing was saved)",
                )
            }
            Failure::Unavailable => {
                tracing::error!(detail = %pii::mask_text(&error.to_string(), &[]), "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    "数据库暂时无法访问，本轮对话未保存，请稍后再试 (database unavailable: nothing was saved)",
                )
            }
            Failure::Conflict => ApiError::new(
                StatusCode::CONFLICT,
                "turn_conflict",
                "这通对话同时收到了别的消息，本条未保存，请再发一次 (the session changed meanwhile: nothing was saved)",
            ),
            Failure::Internal => ApiError::internal(error),
        }
    }
}

impl From<RulesInputError> for ApiError {
    fn from(error: RulesInputError) -> ApiError {
        ApiError::bad_request("invalid_field", error.to_string())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let message = rejection.body_text();
        match rejection {
            JsonRejection::JsonDataError(_) => ApiError::bad_request(
                "invalid_field",
                message.replace(
                    "Failed to deserialize the JSON body into the target type: ",
                    "",
                ),
            ),
            JsonRejection::JsonSyntaxError(_) => ApiError::bad_request("malformed_json", message),
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "expected `Content-Type: application/json`",
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "request body is larger than 64 KiB",
            ),
            other => ApiError::new(other.status(), "bad_body", message),
        }
    }
}
