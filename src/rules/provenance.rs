//! Signs that a repository's code was not written in it, for a mentor to
//! look at: its first commit imported the bulk of the code, or its layout is
//! a known template's or tutorial's (data: `rules/templates/*.toml`, one file
//! per template, the file stem its id).
//!
//! These are flags with a reason, never a verdict: a learner who wrote a
//! project elsewhere and committed it once is flagged too, and says so. The
//! flag itself (what it means, its thresholds, examples) is data too:
//! `rules/flags/possibly-copied.toml`.

use crate::model::{Flag, History};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::sync::OnceLock;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_templates.rs"));
    include!(concat!(env!("OUT_DIR"), "/embedded_flags.rs"));
}

/// The `possibly-copied` flag as its data file states it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopiedFlag {
    pub id: String,
    pub title: String,
    pub why: String,
    pub advice: String,
    /// The first commit holding at least this share of the Python lines at
    /// the scanned revision flags the repository.
    pub first_commit_share: f64,
    /// Repositories with fewer non-blank Python lines are too small to judge.
    pub min_lines: u64,
    #[serde(default)]
    pub example: Vec<FlagExample>,
}

/// A small repository and whether the flag must be raised on it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagExample {
    pub flagged: bool,
    pub files: std::collections::BTreeMap<String, String>,
}

fn parse_flag(name: &str, text: &str) -> Result<CopiedFlag, String> {
    let f: CopiedFlag = toml::from_str(text).map_err(|e| format!("rules/flags/{name}: {e}"))?;
    if f.id != name.trim_end_matches(".toml") {
        return Err(format!(
            "rules/flags/{name}: id `{}` is not the file name",
            f.id
        ));
    }
    if !(0.0..=1.0).contains(&f.first_commit_share) {
        return Err(format!(
            "rules/flags/{name}: first_commit_share is a share, 0..1"
        ));
    }
    Ok(f)
}

/// The built-in `possibly-copied` flag; `None` only if its file does not
/// parse, which `the_flag_file_is_valid` keeps from shipping.
pub fn copied_flag() -> Option<&'static CopiedFlag> {
    static FLAG: OnceLock<Option<CopiedFlag>> = OnceLock::new();
    FLAG.get_or_init(|| {
        embedded::FLAGS
            .iter()
            .find(|(name, _)| *name == "possibly-copied.toml")
            .and_then(|(name, text)| parse_flag(name, text).ok())
    })
    .as_ref()
}

/// A known project template or tutorial, recognized by the files it makes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    #[serde(skip)]
    pub id: String,
    pub name: String,
    /// `template` (a generator) or `tutorial` (code to type along).
    pub kind: String,
    pub url: String,
    /// Paths relative to the project's top folder: the repository's, or one
    /// folder down (generators often write into `<project_slug>/`).
    pub markers: Vec<String>,
    /// How many markers must be present (default: all).
    pub min: Option<usize>,
}

impl Template {
    fn min(&self) -> usize {
        self.min.unwrap_or(self.markers.len()).max(1)
    }
}

/// Parses one template file; `name` is its file name.
fn parse(name: &str, text: &str) -> Result<Template, String> {
    let mut t: Template = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
    t.id = name.trim_end_matches(".toml").to_string();
    if t.markers.len() < 2 {
        return Err(format!("{name}: a layout needs at least two markers"));
    }
    if t.min() > t.markers.len() {
        return Err(format!(
            "{name}: min = {} but only {} markers",
            t.min(),
            t.markers.len()
        ));
    }
    Ok(t)
}

/// The built-in templates. A file that does not parse is left out (the
/// `builtin_templates_are_valid` test keeps that from shipping).
pub fn templates() -> &'static [Template] {
    static ALL: OnceLock<Vec<Template>> = OnceLock::new();
    ALL.get_or_init(|| {
        embedded::TEMPLATES
            .iter()
            .filter_map(|(name, text)| parse(name, text).ok())
            .collect()
    })
}

/// The repository's flags: `possibly-copied` when its layout matches a
/// known template or its first commit held most of its Python code.
/// `paths` are the files at the scanned revision, `python_lines` their
/// non-blank Python lines.
pub fn flags(paths: &[&str], python_lines: u64, history: Option<&History>) -> Vec<Flag> {
    let Some(flag) = copied_flag() else {
        return Vec::new();
    };
    let mut reasons = Vec::new();
    if let Some(r) = template_match(paths, templates()) {
        reasons.push(r);
    }
    if let Some(r) = history.and_then(|h| first_commit_reason(h, python_lines, flag)) {
        reasons.push(r);
    }
    if reasons.is_empty() {
        return Vec::new();
    }
    vec![Flag {
        id: flag.id.clone(),
        reason: reasons.join("; "),
    }]
}

fn first_commit_reason(h: &History, python_lines: u64, flag: &CopiedFlag) -> Option<String> {
    let share = h.first_commit_share?;
    // A shallow clone's first commit is only where the clone starts.
    if h.shallow || python_lines < flag.min_lines || share < flag.first_commit_share {
        return None;
    }
    let id = h.first_commit.as_deref().unwrap_or("");
    let short = id.get(..7).unwrap_or(id);
    let only = if h.commits == 1 {
        " (it is the only commit)"
    } else {
        ""
    };
    Some(format!(
        "the first commit ({short}) already held {:.0}% of the Python lines at this revision{only}",
        share * 100.0
    ))
}

/// The first template whose markers the repository holds (at its top or
/// one folder down), as a reason.
fn template_match(paths: &[&str], templates: &[Template]) -> Option<String> {
    let present: BTreeSet<&str> = paths.iter().copied().collect();
    let mut tops: BTreeSet<&str> = BTreeSet::new();
    tops.insert("");
    for p in paths {
        if let Some((dir, _)) = p.split_once('/') {
            tops.insert(dir);
        }
    }
    for t in templates {
        for top in &tops {
            let at = |m: &str| {
                if top.is_empty() {
                    present.contains(m)
                } else {
                    present.contains(format!("{top}/{m}").as_str())
                }
            };
            let found: Vec<&str> = t
                .markers
                .iter()
                .map(String::as_str)
                .filter(|m| at(m))
                .collect();
            if found.len() >= t.min() {
                let place = if top.is_empty() {
                    String::new()
                } else {
                    format!(" in `{top}/`")
                };
                let shown: Vec<&str> = found.iter().take(3).copied().collect();
                let more = if found.len() > shown.len() {
                    ", …"
                } else {
                    ""
                };
                return Some(format!(
                    "its layout{place} matches {}, a known {} ({}): {} of its {} marker files ({}{more})",
                    t.name,
                    t.kind,
                    t.url,
                    found.len(),
                    t.markers.len(),
                    shown.join(", "),
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_file_is_valid() {
        for (name, text) in embedded::FLAGS {
            parse_flag(name, text).unwrap_or_else(|e| panic!("{e}"));
        }
        let flag = copied_flag().unwrap();
        assert!(flag.example.iter().any(|e| e.flagged));
        assert!(flag.example.iter().any(|e| !e.flagged));
    }

    #[test]
    fn builtin_templates_are_valid() {
        for (name, text) in embedded::TEMPLATES {
            parse(name, text).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(templates().len(), embedded::TEMPLATES.len());
        assert!(templates().len() >= 5);
    }

    #[test]
    fn a_template_layout_matches_at_the_top_or_one_folder_down() {
        let t = templates()
            .iter()
            .find(|t| t.id == "flask-tutorial-flaskr")
            .unwrap();
        let files: Vec<String> = t.markers.iter().map(|m| format!("site/{m}")).collect();
        let paths: Vec<&str> = files.iter().map(String::as_str).collect();
        let reason = template_match(&paths, templates()).unwrap();
        assert!(
            reason.contains("flaskr") && reason.contains("in `site/`"),
            "{reason}"
        );
        // Two of its files are not the layout.
        assert_eq!(
            template_match(
                &["flaskr/__init__.py", "flaskr/db.py", "app.py"],
                templates()
            ),
            None
        );
    }

    #[test]
    fn first_commit_share_flags_only_what_it_can_judge() {
        let h = History {
            commits: 4,
            first_commit: Some("0123456789abcdef".into()),
            first_commit_share: Some(0.9),
            ..Default::default()
        };
        let flag = copied_flag().unwrap();
        let r = first_commit_reason(&h, 400, flag).unwrap();
        assert!(r.contains("0123456") && r.contains("90%"), "{r}");
        assert_eq!(
            first_commit_reason(&h, 10, flag),
            None,
            "too small to judge"
        );
        let shallow = History {
            shallow: true,
            ..h.clone()
        };
        assert_eq!(first_commit_reason(&shallow, 400, flag), None);
        let built_up = History {
            first_commit_share: Some(0.3),
            ..h
        };
        assert_eq!(first_commit_reason(&built_up, 400, flag), None);
    }
}
