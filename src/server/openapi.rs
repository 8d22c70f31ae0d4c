//! `/openapi.json` and the Swagger UI at `/docs`, generated from the
//! handlers' annotations.

use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::SwaggerUi;

use super::AppState;
use super::{handlers, misses, workspace};

#[derive(OpenApi)]
#[openapi(
    info(title = "hotline", description = "12345 热线异地就医备案助手 HTTP API (contract §3)"),
    paths(
        handlers::healthz,
        handlers::metrics_text,
        handlers::ask,
        handlers::evaluate,
        handlers::slots,
        handlers::regions,
        handlers::create_session,
        workspace::list_sessions,
        workspace::all_events,
        workspace::accept,
        workspace::release,
        workspace::submit,
        workspace::wrap_up,
        workspace::me,
        handlers::post_message,
        handlers::session_view,
        handlers::session_events,
        handlers::edit_slot,
        handlers::registration,
        handlers::registration_form,
        handlers::print_link,
        handlers::audit_log,
        misses::list,
    ),
    components(schemas(
        handlers::AskRequest,
        handlers::CreateSessionRequest,
        handlers::CreateSessionReply,
        handlers::MessageRequest,
        handlers::SlotEditRequest,
        workspace::WrapUpRequest,
        workspace::Disposition,
        handlers::ErrorBody,
        handlers::ErrorDetail,
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub fn routes() -> Router<AppState> {
    Router::new().merge(SwaggerUi::new("/docs").url("/openapi.json", document()))
}
