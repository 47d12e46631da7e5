//! The learner's project file, `portfolio-audit.toml`: self-report items
//! recorded as done, competencies claimed that no repository shows, and
//! competencies ignored, each with a note. Claims are shown as claims and
//! never raise the measured score.
//!
//! Two readings: the auditor's own file (`--config`) is checked strictly,
//! every problem an error; a scanned repository's file is read leniently,
//! each problem a note and the other entries kept, and refused unread when
//! it is larger than anyone writes by hand.

use crate::model::{line_at, DataError, DataErrors, Statements};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub const FILE_NAME: &str = "portfolio-audit.toml";

/// A repository's project file larger than this is refused unread.
pub const MAX_BYTES: u64 = 16 * 1024;

/// A repository's project file with more entries than this is refused.
pub const MAX_ENTRIES: usize = 300;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    /// Roadmap item id (or `roadmap/item`) → what the learner did.
    #[serde(default)]
    self_report: BTreeMap<String, String>,
    /// Competency id → where it was done (a private repository, a job).
    #[serde(default)]
    claims: BTreeMap<String, String>,
    /// Competency id → why it does not apply.
    #[serde(default)]
    ignore: BTreeMap<String, String>,
}

/// One statement: the learner's note, and the file it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub note: String,
    pub source: String,
}

/// What the learner says, merged over the project files that apply.
#[derive(Debug, Default, Clone)]
pub struct Config {
    pub self_report: BTreeMap<String, Said>,
    pub claims: BTreeMap<String, Said>,
    pub ignore: BTreeMap<String, Said>,
    /// The files read, as shown in reports.
    pub sources: Vec<String>,
}

fn key_line(text: &str, key: &str) -> usize {
    text.find(&format!("\"{key}\""))
        .or_else(|| text.find(key))
        .map(|o| line_at(text, o))
        .unwrap_or(1)
}

/// A problem in a project file: its line and the reason.
type Problem = (usize, String);

/// The entries of the three tables, each checked: competency ids must be
/// known and every note say something. Problems are returned beside the
/// entries that are fine.
fn checked(
    file: ConfigFile,
    text: &str,
    source: &str,
    competencies: &BTreeSet<&str>,
) -> (Config, Vec<Problem>) {
    let mut problems = Vec::new();
    let said = |note: String| Said {
        note,
        source: source.to_string(),
    };
    let mut config = Config {
        sources: vec![source.to_string()],
        ..Config::default()
    };
    for (table, map, into) in [
        ("claims", file.claims, &mut config.claims),
        ("ignore", file.ignore, &mut config.ignore),
    ] {
        for (id, note) in map {
            if !competencies.contains(id.as_str()) {
                problems.push((
                    key_line(text, &id),
                    format!("[{table}]: unknown competency `{id}`"),
                ));
            } else if note.trim().is_empty() {
                problems.push((
                    key_line(text, &id),
                    format!("[{table}] `{id}`: say why, in a few words"),
                ));
            } else {
                into.insert(id, said(note));
            }
        }
    }
    for (item, note) in file.self_report {
        if note.trim().is_empty() {
            problems.push((
                key_line(text, &item),
                format!("[self_report] `{item}`: say what you did"),
            ));
        } else {
            config.self_report.insert(item, said(note));
        }
    }
    problems.sort();
    (config, problems)
}

impl Config {
    /// Reads the auditor's project file (`--config`); any problem is an
    /// error naming the file and line.
    pub fn load(path: &Path, competencies: &BTreeSet<&str>) -> Result<Config, DataErrors> {
        let text = std::fs::read_to_string(path).map_err(|source| {
            DataErrors(vec![DataError::Read {
                path: path.to_path_buf(),
                source,
            }])
        })?;
        let file: ConfigFile = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|s| line_at(&text, s.start)).unwrap_or(1);
            DataErrors(vec![DataError::invalid(path, line, e.message().trim())])
        })?;
        let (config, problems) = checked(file, &text, &path.display().to_string(), competencies);
        if !problems.is_empty() {
            return Err(DataErrors(
                problems
                    .into_iter()
                    .map(|(line, m)| DataError::invalid(path, line, m))
                    .collect(),
            ));
        }
        Ok(config)
    }

    /// Reads a scanned repository's project file (`source` names it in
    /// reports). What cannot be read is a problem, `line N: reason`, and
    /// the entries that can still apply; an unknown table is named and
    /// skipped, like an unknown id.
    pub fn parse(
        source: &str,
        bytes: &[u8],
        competencies: &BTreeSet<&str>,
    ) -> (Option<Config>, Vec<String>) {
        let shown = |(line, m): Problem| format!("line {line}: {m}");
        if bytes.len() as u64 > MAX_BYTES {
            return (
                None,
                vec![format!(
                    "not read: {} bytes, over the {MAX_BYTES} bytes a project file may hold",
                    bytes.len()
                )],
            );
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            return (None, vec!["not read: not valid UTF-8".to_string()]);
        };
        let table: toml::Table = match toml::from_str(text) {
            Ok(t) => t,
            Err(e) => {
                let line = e.span().map(|s| line_at(text, s.start)).unwrap_or(1);
                return (None, vec![shown((line, e.message().trim().to_string()))]);
            }
        };
        let mut problems = Vec::new();
        let mut file = ConfigFile::default();
        let mut entries = 0;
        for (key, value) in table {
            let into = match key.as_str() {
                "self_report" => &mut file.self_report,
                "claims" => &mut file.claims,
                "ignore" => &mut file.ignore,
                _ => {
                    problems.push((
                        key_line(text, &key),
                        format!("unknown table `{key}` (expected self_report, claims or ignore)"),
                    ));
                    continue;
                }
            };
            let Some(entries_of) = value.as_table() else {
                problems.push((
                    key_line(text, &key),
                    format!("`{key}` must be a table of `id = \"note\"`"),
                ));
                continue;
            };
            for (id, note) in entries_of {
                entries += 1;
                match note.as_str() {
                    Some(n) => {
                        into.insert(id.clone(), n.to_string());
                    }
                    None => problems.push((
                        key_line(text, id),
                        format!("[{key}] `{id}`: the note must be a string"),
                    )),
                }
            }
        }
        if entries > MAX_ENTRIES {
            return (
                None,
                vec![format!(
                    "not read: {entries} entries, over the {MAX_ENTRIES} a project file may hold"
                )],
            );
        }
        let (config, more) = checked(file, text, source, competencies);
        problems.extend(more);
        problems.sort();
        (Some(config), problems.into_iter().map(shown).collect())
    }

    /// Adds another file's entries; the first file to give a key keeps it.
    pub fn merge(&mut self, other: Config) {
        for (k, v) in other.self_report {
            self.self_report.entry(k).or_insert(v);
        }
        for (k, v) in other.claims {
            self.claims.entry(k).or_insert(v);
        }
        for (k, v) in other.ignore {
            self.ignore.entry(k).or_insert(v);
        }
        self.sources.extend(other.sources);
    }

    /// The learner's note on a self-report item of a roadmap.
    pub fn self_reported(&self, roadmap: &str, item: &str) -> Option<&Said> {
        self.self_report
            .get(&format!("{roadmap}/{item}"))
            .or_else(|| self.self_report.get(item))
    }

    /// A repository's project file as a report shows it, read back: what
    /// [`Config::statements`] wrote, for measuring saved reports again.
    pub fn from_statements(statements: &Statements) -> Config {
        let said = |m: &BTreeMap<String, String>| {
            m.iter()
                .map(|(k, note)| {
                    let said = Said {
                        note: note.clone(),
                        source: statements.source.clone(),
                    };
                    (k.clone(), said)
                })
                .collect()
        };
        Config {
            self_report: said(&statements.self_report),
            claims: said(&statements.claims),
            ignore: said(&statements.ignore),
            sources: vec![statements.source.clone()],
        }
    }

    /// The statements as a report shows them.
    pub fn statements(&self, source: &str, applied: bool) -> Statements {
        let notes = |m: &BTreeMap<String, Said>| {
            m.iter().map(|(k, v)| (k.clone(), v.note.clone())).collect()
        };
        Statements {
            source: source.to_string(),
            applied,
            self_report: notes(&self.self_report),
            claims: notes(&self.claims),
            ignore: notes(&self.ignore),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> BTreeSet<&'static str> {
        ["testing.unit", "web.rest_api"].into_iter().collect()
    }

    #[test]
    fn a_repositorys_file_keeps_what_it_can_and_names_the_rest() {
        let text = b"[ignore]\n\"testing.unit\" = \"not my focus\"\n\"web.telepathy\" = \"trust me\"\n\n[grades]\nme = \"A\"\n";
        let (config, problems) = Config::parse("shop/portfolio-audit.toml", text, &ids());
        let config = config.unwrap();
        assert_eq!(config.ignore.len(), 1);
        assert_eq!(
            config.ignore["testing.unit"].source,
            "shop/portfolio-audit.toml"
        );
        assert_eq!(
            problems,
            [
                "line 3: [ignore]: unknown competency `web.telepathy`",
                "line 5: unknown table `grades` (expected self_report, claims or ignore)",
            ]
        );
    }

    #[test]
    fn statements_read_back_give_the_file_as_read() {
        let text = b"[self_report]\nsql = \"a course\"\n[claims]\n\"web.rest_api\" = \"at work\"\n[ignore]\n\"testing.unit\" = \"later\"\n";
        let (config, _) = Config::parse("shop/portfolio-audit.toml", text, &ids());
        let config = config.unwrap();
        let back = Config::from_statements(&config.statements("shop/portfolio-audit.toml", true));
        assert_eq!(format!("{back:?}"), format!("{config:?}"));
    }

    #[test]
    fn an_oversized_or_broken_file_is_refused_with_a_reason() {
        let big = vec![b'#'; MAX_BYTES as usize + 1];
        let (config, problems) = Config::parse("x", &big, &ids());
        assert!(config.is_none());
        assert!(problems[0].contains("over the 16384 bytes"), "{problems:?}");
        let many: String = (0..MAX_ENTRIES + 1)
            .map(|i| format!("item{i} = \"done\"\n"))
            .collect();
        let (config, problems) =
            Config::parse("x", format!("[self_report]\n{many}").as_bytes(), &ids());
        assert!(config.is_none());
        assert!(problems[0].contains("301 entries"), "{problems:?}");
        let (config, problems) = Config::parse("x", b"[ignore\n", &ids());
        assert!(config.is_none());
        assert!(problems[0].starts_with("line 1: "), "{problems:?}");
    }
}
