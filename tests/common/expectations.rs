//! What a scanned fixture repository must show (`expect`: a level and the
//! evidence behind it), the traps it must not fall for (`absent`: level 0)
//! and the findings it must report at their exact line, read from a TOML
//! file under `tests/data/` and checked against a scan's JSON.

use super::{competency, level};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Expectations {
    pub repo: Vec<RepoExpect>,
}

#[derive(Deserialize)]
pub struct RepoExpect {
    pub name: String,
    #[serde(default)]
    pub expect: Vec<Expect>,
    #[serde(default)]
    pub absent: Vec<Absent>,
    #[serde(default)]
    pub finding: Vec<FindingExpect>,
}

#[derive(Deserialize)]
pub struct Expect {
    pub id: String,
    pub min_level: u64,
    /// The level exactly, when a higher one would be wrong.
    #[serde(default)]
    pub level: Option<u64>,
    pub path: String,
    /// An evidence item at this line of `path` must be listed.
    #[serde(default)]
    pub line: Option<u64>,
    /// The detail of that evidence item must contain this.
    #[serde(default)]
    pub detail: Option<String>,
}

#[derive(Deserialize)]
pub struct Absent {
    pub id: String,
    pub why: String,
}

#[derive(Deserialize)]
pub struct FindingExpect {
    pub id: String,
    pub path: String,
    pub line: u64,
}

impl Expectations {
    /// Reads `rel`, a path from the crate's root.
    pub fn load(rel: &str) -> Expectations {
        let path = super::root().join(rel);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

impl RepoExpect {
    /// Each `expect` the scan does not meet, said.
    pub fn missed(&self, json: &serde_json::Value) -> Vec<String> {
        let mut failures = Vec::new();
        for e in &self.expect {
            let c = competency(json, &self.name, &e.id);
            let got = c["level"].as_u64().unwrap();
            let evidence = c["evidence"].as_array().unwrap();
            let paths: Vec<&str> = evidence
                .iter()
                .map(|x| x["path"].as_str().unwrap())
                .collect();
            if let Some(exact) = e.level.filter(|&l| l != got) {
                failures.push(format!(
                    "{}: {} is level {got}, expected exactly {exact} (evidence {paths:?})",
                    self.name, e.id
                ));
            }
            if let Some(line) = e.line {
                let at_line = evidence.iter().find(|x| {
                    x["path"] == e.path.as_str()
                        && x["line"] == line
                        && e.detail.as_ref().is_none_or(|d| {
                            x["detail"]
                                .as_str()
                                .is_some_and(|got| got.contains(d.as_str()))
                        })
                });
                if at_line.is_none() {
                    failures.push(format!(
                        "{}: {} has no evidence at {}:{line}{}: {}",
                        self.name,
                        e.id,
                        e.path,
                        e.detail
                            .as_ref()
                            .map(|d| format!(" saying {d:?}"))
                            .unwrap_or_default(),
                        c["evidence"]
                    ));
                }
            }
            if got < e.min_level {
                failures.push(format!(
                    "{}: {} is level {got}, expected >= {} (evidence {paths:?}, hints {})",
                    self.name, e.id, e.min_level, c["hints"]
                ));
            } else if !paths.contains(&e.path.as_str())
                && c["evidence_count"].as_u64().unwrap() <= paths.len() as u64
            {
                failures.push(format!(
                    "{}: {} evidence {paths:?} lacks {}",
                    self.name, e.id, e.path
                ));
            }
            for ev in evidence {
                assert!(
                    ev["line"].as_u64().is_some() && ev["path"].as_str().is_some(),
                    "evidence without path and line: {ev}"
                );
            }
        }
        failures
    }

    /// Each `absent` competency the scan gives a level, said.
    pub fn false_positives(&self, json: &serde_json::Value) -> Vec<String> {
        self.absent
            .iter()
            .filter(|a| level(json, &self.name, &a.id) > 0)
            .map(|a| {
                let c = competency(json, &self.name, &a.id);
                format!(
                    "{}: {} is level {} ({}); evidence {}",
                    self.name, a.id, c["level"], a.why, c["evidence"]
                )
            })
            .collect()
    }

    /// Each expected finding the scan does not report at its line, said.
    pub fn missing_findings(&self, json: &serde_json::Value) -> Vec<String> {
        let findings = super::repo(json, &self.name)["findings"]
            .as_array()
            .unwrap();
        self.finding
            .iter()
            .filter(|f| {
                !findings.iter().any(|x| {
                    x["id"] == f.id.as_str() && x["path"] == f.path.as_str() && x["line"] == f.line
                })
            })
            .map(|f| {
                format!(
                    "{}: no {} at {}:{} (got {:?})",
                    self.name,
                    f.id,
                    f.path,
                    f.line,
                    findings
                        .iter()
                        .map(|x| format!("{} {}:{}", x["id"], x["path"], x["line"]))
                        .collect::<Vec<_>>()
                )
            })
            .collect()
    }
}
