//! `corpus/regions.toml`: the regions documents may belong to.

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionsFile {
    region: Vec<Region>,
}

/// Parses the contents of `regions.toml`; problems go onto `problems`.
pub fn parse(path: &Path, text: &str, problems: &mut Vec<Problem>) -> Vec<Region> {
    let file: RegionsFile = match toml::from_str(text) {
        Ok(file) => file,
        Err(error) => {
            let line = error
                .span()
                .map(|span| 1 + text[..span.start.min(text.len())].matches('\n').count())
                .unwrap_or(1);
            problems.push(Problem::new(path, line, error.message().trim().to_string()));
            return Vec::new();
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
    regions
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
        let regions = parse(Path::new("regions.toml"), text, &mut problems);
        assert_eq!(regions.len(), 1);
        assert_eq!(regions[0].province, "山东省");
        assert_eq!(
            problems[0].to_string(),
            "regions.toml:6: duplicate region id `jining`"
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
