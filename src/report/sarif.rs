//! SARIF 2.1.0, for code scanning: each finding of the report is a result
//! (its rule, level, message, the file and line, a fingerprint that survives
//! lines added above it), and each finding rule is described once in the
//! driver (title, why, advice, severity, a link to its documentation).
//! Competency levels and checklist gaps are not alerts: they stay in the
//! other formats.
//!
//! What the report does not hold, the rules' metadata, comes in as
//! [`Rules`], which the CLI builds from the loaded rule set.

use crate::model::URL_SEGMENT as SEGMENT;
use crate::model::{Finding, RepoReport, Report, Severity};
use percent_encoding::utf8_percent_encode;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The schema the document names: OASIS's SARIF 2.1.0 (errata 01), the one
/// `tests/data/sarif-schema-2.1.0.json` holds.
pub const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of a result's fingerprint in `partialFingerprints`; the version
/// changes if the hash ever does, so old alerts are not matched wrongly.
pub const FINGERPRINT_KEY: &str = "portfolioAudit/v1";

/// Where result paths are relative to: the folder the tool ran in.
const SRCROOT: &str = "%SRCROOT%";

/// The finding rules, as SARIF describes them, and the tool's home page.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// The tool's home page (the driver's `informationUri`).
    pub information_uri: Option<String>,
    pub rules: Vec<RuleInfo>,
}

/// One finding rule: what a reader of an alert is told about it.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub why: String,
    pub advice: String,
    /// The finding's documentation.
    pub help_uri: Option<String>,
}

/// Writes the report's findings as one SARIF run.
pub fn render(report: &Report, rules: &Rules, out: &mut dyn Write) -> io::Result<()> {
    let mut descriptors: Vec<Descriptor> = rules.rules.iter().map(Descriptor::of).collect();
    // A report read from a file may hold findings of rules not loaded now.
    for r in &report.repos {
        for f in &r.findings {
            if !descriptors.iter().any(|d| d.id == f.id) {
                descriptors.push(Descriptor::bare(&f.id));
            }
        }
    }
    let several = report.repos.len() > 1;
    let mut results = Vec::new();
    for r in &report.repos {
        let base = base_of(r, several);
        for f in &r.findings {
            let index = descriptors.iter().position(|d| d.id == f.id).unwrap_or(0);
            results.push(SarifResult::of(f, index, &base));
        }
    }
    let notifications: Vec<Notification> = report
        .repos
        .iter()
        .filter_map(|r| {
            r.error.as_ref().map(|e| Notification {
                level: "error",
                message: Message {
                    text: format!("{}: not audited: {e}", r.name),
                },
            })
        })
        .collect();
    let provenance: Vec<Provenance> = report
        .repos
        .iter()
        .filter_map(|r| match (&r.web, &r.revision) {
            (Some(web), Some(rev)) => Some(Provenance {
                repository_uri: web.url.clone(),
                revision_id: rev.clone(),
            }),
            _ => None,
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: ToolWrap {
                driver: Driver {
                    name: &report.tool.name,
                    version: &report.tool.version,
                    semantic_version: &report.tool.version,
                    information_uri: rules.information_uri.as_deref(),
                    rules: descriptors,
                },
            },
            invocations: [Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
            version_control_provenance: provenance,
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::other)?;
    writeln!(out)
}

/// What a repository's paths are prefixed with, so that they are relative
/// to the folder the tool ran in: the repository's path as given when it is
/// a relative one (`.` gives nothing), else its name when the report holds
/// several repositories.
fn base_of(repo: &RepoReport, several: bool) -> String {
    let source = repo.source.replace('\\', "/");
    let relative = !source.contains(':') && !source.starts_with('/');
    if relative {
        source
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .collect::<Vec<_>>()
            .join("/")
    } else if several {
        repo.name.clone()
    } else {
        String::new()
    }
}

/// A relative URI: each segment of `base/path` percent-encoded.
fn uri(base: &str, path: &str) -> String {
    let segments: Vec<String> = base
        .split('/')
        .chain(path.split('/'))
        .filter(|s| !s.is_empty() && *s != ".")
        .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
        .collect();
    if segments.is_empty() {
        ".".to_string()
    } else {
        segments.join("/")
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: ToolWrap<'a>,
    invocations: [Invocation; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    version_control_provenance: Vec<Provenance>,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct ToolWrap<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'a str>,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    short_description: Option<Message>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Message>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_configuration: Option<Configuration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties>,
}

impl Descriptor {
    fn of(r: &RuleInfo) -> Descriptor {
        // The id's first part is its area; `sec` is what code scanning calls security.
        let area = r.id.split('.').next().unwrap_or_default();
        let tag = if area == "sec" { "security" } else { area };
        Descriptor {
            id: r.id.clone(),
            short_description: Some(Message {
                text: r.title.clone(),
            }),
            full_description: Some(Message {
                text: r.why.clone(),
            }),
            help: Some(Help {
                text: r.advice.clone(),
                markdown: r.advice.clone(),
            }),
            help_uri: r.help_uri.clone(),
            default_configuration: Some(Configuration {
                level: r.severity.as_str(),
            }),
            properties: Some(Properties {
                tags: vec![tag.to_string()],
            }),
        }
    }

    fn bare(id: &str) -> Descriptor {
        Descriptor {
            id: id.to_string(),
            short_description: None,
            full_description: None,
            help: None,
            help_uri: None,
            default_configuration: None,
            properties: None,
        }
    }
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Properties {
    tags: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Provenance {
    repository_uri: String,
    revision_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hosted_viewer_uri: Option<String>,
}

impl SarifResult {
    fn of(f: &Finding, rule_index: usize, base: &str) -> SarifResult {
        // A notebook's line is its cell's: the file is located, the cell named.
        let (text, region) = match f.cell {
            Some(cell) => (
                format!("{} (cell {cell}, line {})", f.message, f.line),
                None,
            ),
            None => (
                f.message.clone(),
                (f.line > 0).then_some(Region { start_line: f.line }),
            ),
        };
        SarifResult {
            rule_id: f.id.clone(),
            rule_index,
            level: f.severity.as_str(),
            message: Message { text },
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: uri(base, &f.path),
                        uri_base_id: SRCROOT,
                    },
                    region,
                },
            }],
            partial_fingerprints: f
                .fingerprint
                .iter()
                .map(|fp| (FINGERPRINT_KEY, fp.clone()))
                .collect(),
            hosted_viewer_uri: f.url.clone(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(uri("", "app/main.py"), "app/main.py");
        assert_eq!(
            uri("students/ada", "a b/#x.py"),
            "students/ada/a%20b/%23x.py"
        );
        assert_eq!(uri("", "."), ".");
    }
}
