//! `corpus/regions.toml`: the regions documents may belong to, and the
//! provincial apps their rules may name as channels.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Problem;

/// A region (统筹区) the corpus covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// e.g. `dongguan`; also the name of its folder under `corpus/`.
    pub id: String,
    /// e.g. `东莞市`.
    pub name: String,
    /// e.g. `广东省`.
    pub province: String,
    /// The title of the region's registration form (备案表), as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// The title of its maternity registration form, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maternity_form: Option<String>,
}

/// A province's own registration app (小程序), a channel only the regions of
/// that province offer. Its id is the `submit_via` value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct App {
    /// Lowercase ASCII letters and `_`.
    pub id: String,
    /// As an agent names it to a caller.
    pub name: String,
    /// The province whose regions offer it.
    pub province: String,
    /// Its name without the words callers leave off (`app_suffixes`).
    #[serde(skip)]
    spoken: String,
}

impl App {
    /// What a caller calls it: its name without the `app_suffixes` of
    /// `regions.toml` (粤医保 for 粤医保小程序). The NLU hears the app by
    /// this word, so the app is named in this one place.
    pub fn spoken_name(&self) -> &str {
        if self.spoken.is_empty() {
            &self.name
        } else {
            &self.spoken
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionsFile {
    /// What callers leave off an app's name (小程序, APP).
    #[serde(default)]
    app_suffixes: Vec<String>,
    region: Vec<Region>,
    #[serde(default)]
    app: Vec<App>,
}

/// Parses the contents of `regions.toml` into its regions and apps;
/// problems go onto `problems`.
pub fn parse(path: &Path, text: &str, problems: &mut Vec<Problem>) -> (Vec<Region>, Vec<App>) {
    let file: RegionsFile = match toml::from_str(text) {
        Ok(file) => file,
        Err(error) => {
            let line = error
                .span()
                .map(|span| 1 + text[..span.start.min(text.len())].matches('\n').count())
                .unwrap_or(1);
            problems.push(Problem::new(path, line, error.message().trim().to_string()));
            return (Vec::new(), Vec::new());
        }
    };
    let mut regions: Vec<Region> = Vec::new();
    // Entry i starts at the i-th `[[region]]` header.
    let headers: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.trim() == "[[region]]")
        .map(|(index, _)| index + 1)
        .collect();
    for (index, region) in file.region.into_iter().enumerate() {
        let line = headers.get(index).copied().unwrap_or(1);
        if region.id.is_empty() || !region.id.chars().all(|c| c.is_ascii_lowercase()) {
            problems.push(Problem::new(
                path,
                line,
                format!("region id `{}` must be lowercase ASCII letters", region.id),
            ));
        } else if regions.iter().any(|seen| seen.id == region.id) {
            problems.push(Problem::new(
                path,
                line,
                format!("duplicate region id `{}`", region.id),
            ));
        } else {
            regions.push(region);
        }
    }
    let suffixes = app_suffixes(path, text, file.app_suffixes, problems);
    (regions, apps(path, text, file.app, &suffixes, problems))
}

/// The suffixes, each checked: none empty.
fn app_suffixes(
    path: &Path,
    text: &str,
    suffixes: Vec<String>,
    problems: &mut Vec<Problem>,
) -> Vec<String> {
    if suffixes.iter().any(|suffix| suffix.trim().is_empty()) {
        let line = text
            .lines()
            .position(|line| line.trim_start().starts_with("app_suffixes"))
            .map_or(1, |index| index + 1);
        problems.push(Problem::new(path, line, "app_suffixes: empty word"));
        return Vec::new();
    }
    suffixes
}

/// `name` without the suffixes callers leave off, each taken off once,
/// in the order listed (粤医保小程序 → 粤医保).
fn spoken(name: &str, suffixes: &[String]) -> String {
    suffixes
        .iter()
        .fold(name, |name, suffix| {
            name.strip_suffix(suffix.as_str()).unwrap_or(name)
        })
        .to_string()
}

fn apps(
    path: &Path,
    text: &str,
    listed: Vec<App>,
    suffixes: &[String],
    problems: &mut Vec<Problem>,
) -> Vec<App> {
    let headers: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.trim() == "[[app]]")
        .map(|(index, _)| index + 1)
        .collect();
    let mut apps: Vec<App> = Vec::new();
    for (index, mut app) in listed.into_iter().enumerate() {
        let line = headers.get(index).copied().unwrap_or(1);
        app.spoken = spoken(&app.name, suffixes);
        let well_formed = app.id.starts_with(|c: char| c.is_ascii_lowercase())
            && app.id.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if !well_formed {
            problems.push(Problem::new(
                path,
                line,
                format!(
                    "app id `{}` must be lowercase ASCII letters and `_`",
                    app.id
                ),
            ));
        } else if apps.iter().any(|seen| seen.id == app.id) {
            problems.push(Problem::new(
                path,
                line,
                format!("duplicate app id `{}`", app.id),
            ));
        } else if app.spoken.trim().is_empty() {
            problems.push(Problem::new(
                path,
                line,
                format!("app `{}`: nothing is left of its name to hear", app.id),
            ));
        } else {
            apps.push(app);
        }
    }
    apps
}

/// A one-region list for tests elsewhere in the crate.
#[cfg(test)]
pub(crate) fn dongguan_only() -> Vec<Region> {
    vec![Region {
        id: "dongguan".into(),
        name: "东莞市".into(),
        province: "广东省".into(),
        form: None,
        maternity_form: None,
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regions_and_rejects_duplicates() {
        let text = "[[region]]\nid = \"jining\"\nname = \"济宁市\"\nprovince = \"山东省\"\n\n[[region]]\nid = \"jining\"\nname = \"济宁市\"\nprovince = \"山东省\"\n";
        let mut problems = Vec::new();
        let (regions, _) = parse(Path::new("regions.toml"), text, &mut problems);
        assert_eq!(regions.len(), 1);
        assert_eq!(regions[0].province, "山东省");
        assert_eq!(
            problems[0].to_string(),
            "regions.toml:6: duplicate region id `jining`"
        );
    }

    #[test]
    fn reads_apps_and_rejects_bad_ids() {
        let region = "[[region]]\nid = \"a\"\nname = \"甲市\"\nprovince = \"乙省\"\n";
        let app =
            |id: &str| format!("[[app]]\nid = \"{id}\"\nname = \"乙医保\"\nprovince = \"乙省\"\n");
        let text = format!(
            "{region}{}{}{}",
            app("yi_app"),
            app("yi_app"),
            app("Yi-App")
        );
        let mut problems = Vec::new();
        let (_, apps) = parse(Path::new("regions.toml"), &text, &mut problems);
        assert_eq!(apps.len(), 1);
        assert_eq!(apps[0].name, "乙医保");
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "regions.toml:9: duplicate app id `yi_app`",
                "regions.toml:13: app id `Yi-App` must be lowercase ASCII letters and `_`",
            ]
        );
    }

    #[test]
    fn an_app_is_heard_without_the_suffixes_listed() {
        let text = "app_suffixes = [\"小程序\", \"APP\"]\n\n[[region]]\nid = \"a\"\nname = \"甲市\"\nprovince = \"乙省\"\n\n[[app]]\nid = \"yi\"\nname = \"乙医保小程序\"\nprovince = \"乙省\"\n\n[[app]]\nid = \"bing\"\nname = \"丙办APP\"\nprovince = \"乙省\"\n\n[[app]]\nid = \"ding\"\nname = \"丁医保App\"\nprovince = \"乙省\"\n";
        let mut problems = Vec::new();
        let (_, apps) = parse(Path::new("regions.toml"), text, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        let heard: Vec<&str> = apps.iter().map(App::spoken_name).collect();
        // App is not listed: 丁医保App keeps it.
        assert_eq!(heard, ["乙医保", "丙办", "丁医保App"]);
        assert_eq!(apps[0].name, "乙医保小程序");
    }

    #[test]
    fn an_empty_suffix_or_an_app_named_only_by_one_is_refused() {
        let region = "[[region]]\nid = \"a\"\nname = \"甲市\"\nprovince = \"乙省\"\n";
        let mut problems = Vec::new();
        parse(
            Path::new("regions.toml"),
            &format!("app_suffixes = [\"小程序\", \" \"]\n{region}"),
            &mut problems,
        );
        assert_eq!(
            problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["regions.toml:1: app_suffixes: empty word"]
        );
        let mut problems = Vec::new();
        let app = "[[app]]\nid = \"yi\"\nname = \"小程序\"\nprovince = \"乙省\"\n";
        parse(
            Path::new("regions.toml"),
            &format!("app_suffixes = [\"小程序\"]\n{region}\n{app}"),
            &mut problems,
        );
        assert_eq!(
            problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["regions.toml:7: app `yi`: nothing is left of its name to hear"]
        );
    }

    #[test]
    fn malformed_toml_names_the_line() {
        let mut problems = Vec::new();
        parse(
            Path::new("regions.toml"),
            "[[region]]\nid = jining\n",
            &mut problems,
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 2);
    }
}
