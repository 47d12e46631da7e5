//! Signs that a repository's code was not written in it, for a mentor to
//! look at: its first commit imported the bulk of the code, or its layout is
//! a known template's or tutorial's (data: `rules/templates/*.toml`, one file
//! per template, the file stem its id).
//!
//! These are flags with a reason, never a verdict: a learner who wrote a
//! project elsewhere and committed it once is flagged too, and says so.

use crate::model::{Flag, History};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// The first commit holding at least this share of the Python lines at the
/// scanned revision flags the repository.
pub const FIRST_COMMIT_SHARE: f64 = 0.8;
/// Repositories with fewer non-blank Python lines are too small to judge.
pub const MIN_LINES: u64 = 50;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_templates.rs"));
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
    let mut reasons = Vec::new();
    if let Some(r) = template_match(paths, templates()) {
        reasons.push(r);
    }
    if let Some(r) = history.and_then(|h| first_commit_reason(h, python_lines)) {
        reasons.push(r);
    }
    if reasons.is_empty() {
        return Vec::new();
    }
    vec![Flag {
        id: "possibly-copied".into(),
        reason: reasons.join("; "),
    }]
}

fn first_commit_reason(h: &History, python_lines: u64) -> Option<String> {
    let share = h.first_commit_share?;
    // A shallow clone's first commit is only where the clone starts.
    if h.shallow || python_lines < MIN_LINES || share < FIRST_COMMIT_SHARE {
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
        let r = first_commit_reason(&h, 400).unwrap();
        assert!(r.contains("0123456") && r.contains("90%"), "{r}");
        assert_eq!(first_commit_reason(&h, 10), None, "too small to judge");
        let shallow = History {
            shallow: true,
            ..h.clone()
        };
        assert_eq!(first_commit_reason(&shallow, 400), None);
        let built_up = History {
            first_commit_share: Some(0.3),
            ..h
        };
        assert_eq!(first_commit_reason(&built_up, 400), None);
    }
}
