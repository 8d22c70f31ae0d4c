//! `hotline rules <application.json|-> [--today YYYY-MM-DD]`: evaluates one
//! Application through the same `Assistant::evaluate` as
//! `POST /v1/rules/evaluate` (provinces normalised by the gazetteer) and
//! prints the Decision JSON.
//!
//! Bad input (not JSON, an unknown id, an impossible date) exits with
//! status 2 and one line naming the field.

use std::io::{Read, Write};
use std::path::PathBuf;

use super::{Cli, CliError};
use crate::rules::Application;

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// The Application as JSON; `-` reads stdin.
    pub application: PathBuf,
    /// The day to decide on.
    #[command(flatten)]
    pub today: super::Today,
}

pub fn run(cli: &Cli, args: &RulesArgs) -> Result<i32, CliError> {
    let today = args.today.day()?;
    let text = read_input(&args.application)?;
    let application = parse_application(&text).map_err(CliError::Usage)?;
    let assistant = super::load_assistant(cli)?;
    let decision = assistant
        .evaluate(&application, today)
        .map_err(|error| CliError::Usage(error.to_string()))?;
    let json = serde_json::to_string_pretty(&decision)
        .map_err(|error| CliError::Failed(error.to_string()))?;
    // A reader that closes the pipe early (`| head`) is not an error of ours.
    match writeln!(std::io::stdout().lock(), "{json}") {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Failed(
            format!("cannot write the decision: {error}"),
        )),
        _ => Ok(0),
    }
}

fn read_input(path: &PathBuf) -> Result<String, CliError> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|error| CliError::Usage(format!("application: 读不到标准输入：{error}")))?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(|error| {
            CliError::Usage(format!("application: 读不到 {}：{error}", path.display()))
        })
    }
}

/// Parses an Application, naming the field at fault on error: serde_json's
/// message is kept (it names unknown fields and bad variants) and prefixed
/// with the JSON path where it failed.
pub fn parse_application(text: &str) -> Result<Application, String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|error| format!("application: 不是有效的 JSON：{error}"))?;
    if let Some(object) = value.as_object() {
        for (field, inner) in object {
            check_field(field, inner)?;
        }
    }
    serde_json::from_value(value).map_err(|error| {
        let message = error.to_string();
        let field = message
            .split('`')
            .nth(1)
            .filter(|name| !name.contains(' '))
            .unwrap_or("application")
            .to_string();
        format!("{field}: {message}")
    })
}

/// Checks the fields whose errors serde would report without their name.
fn check_field(field: &str, value: &serde_json::Value) -> Result<(), String> {
    if field.ends_with("_date") && !value.is_null() {
        let ok = value
            .as_str()
            .is_some_and(|text| super::parse_date(field, text.trim()).is_ok());
        if !ok {
            return Err(format!("{field}: 不是有效日期（YYYY-MM-DD）：{value}"));
        }
    }
    match field {
        "destination" => nested::<crate::rules::Destination>(field, value)?,
        "applicant" => nested::<crate::rules::Applicant>(field, value)?,
        _ => {}
    }
    let enumerated = ["scheme", "insurance", "category", "submit_via"];
    if enumerated.contains(&field) && !value.is_null() {
        let parsed: Result<Application, _> =
            serde_json::from_value(serde_json::json!({"region": "", field: value}));
        if parsed.is_err() {
            return Err(format!("{field}: 未知取值：{value}"));
        }
    }
    Ok(())
}

/// Reads an object field as `T`, naming the inner field at fault
/// (`applicant.id_number: 身份证号位数不对`).
fn nested<T: serde::de::DeserializeOwned>(
    field: &str,
    value: &serde_json::Value,
) -> Result<(), String> {
    serde_path_to_error::deserialize::<_, T>(value.clone())
        .map(drop)
        .map_err(|error| match error.path().to_string() {
            path if path == "." => format!("{field}: {}", error.into_inner()),
            path => format!("{field}.{path}: {}", error.into_inner()),
        })
}
