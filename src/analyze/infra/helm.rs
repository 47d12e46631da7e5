//! Helm charts: `Chart.yaml`, and the templates under a chart's `templates/`.
//!
//! A template is Go template text that becomes YAML only once rendered with
//! the chart's values and Helm's function library; read as YAML it is often
//! invalid (`{{- if }}` lines, `| nindent 8` pipelines) or shows keys that
//! the values remove. So templates are read by lines, and only what is
//! literal text counts: the top-level `kind:` and `apiVersion:` of each
//! `---` document, a `schedule:`, and probes or `resources` whose bodies
//! have literal keys. A probe or `resources` filled from values
//! (`{{- toYaml .Values.resources | nindent 12 }}`) states nothing: what it
//! holds depends on values.yaml, and the chart's default is often `{}`.

use super::kubernetes::{self, KINDS, WORKLOADS};
use super::{HELM_CHART, K8S_CRONJOB, K8S_PROBE, K8S_RESOURCES};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::yaml::{self, Node, Value};

/// `Chart.yaml`: a chart with its apiVersion and name.
pub fn chart(text: &str, out: &mut ConfigFacts) {
    let docs = yaml::documents(text, out);
    let Some(doc) = docs.first().filter(|d| !matches!(d.value, Value::Null)) else {
        return;
    };
    let api = doc.get("apiVersion").and_then(Node::as_str);
    match (api, doc.entry("name")) {
        (Some(api), Some((k, name))) if name.as_str().is_some() => {
            let version = doc
                .get("version")
                .and_then(Node::as_str)
                .map(|v| format!(", version {v}"))
                .unwrap_or_default();
            out.fact(
                HELM_CHART,
                k.line,
                format!(
                    "Helm chart {} (apiVersion {api}{version})",
                    name.as_str().unwrap_or("")
                ),
            );
        }
        _ => out.problem(format!(
            "line {}: not a Helm chart: Chart.yaml needs `apiVersion` and `name`",
            doc.line
        )),
    }
}

/// A chart template, read by lines (see the module's note).
pub fn template(text: &str, out: &mut ConfigFacts) {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0;
    for i in 0..=lines.len() {
        let end = i == lines.len() || is_separator(lines[i]);
        if end {
            document(&lines, start, i, out);
            start = i + 1;
        }
    }
}

fn is_separator(line: &str) -> bool {
    let t = line.trim_end();
    t == "---" || t.starts_with("--- ")
}

/// One `---` document of a template: lines `from..to` (0-based).
fn document(lines: &[&str], from: usize, to: usize, out: &mut ConfigFacts) {
    let top = |key: &str| {
        (from..to).find_map(|i| {
            let v = lines[i].strip_prefix(key)?.strip_prefix(':')?;
            Some((i, v.trim()))
        })
    };
    let Some((kind_at, kind)) = top("kind") else {
        return;
    };
    let kind = kind.trim_matches(['"', '\'']);
    if top("apiVersion").is_none() || !KINDS.contains(&kind) {
        return;
    }
    let shown = format!("{kind} (Helm template)");
    kubernetes::kind_facts(kind, kind_at as u32 + 1, &shown, out);
    if !WORKLOADS.contains(&kind) {
        return;
    }
    for i in from..to {
        let line = lines[i];
        let t = line.trim_start();
        let Some((key, value)) = t.split_once(':') else {
            continue;
        };
        let at = i as u32 + 1;
        match key {
            "schedule" if kind == "CronJob" => out.fact(
                K8S_CRONJOB,
                at,
                format!("CronJob (Helm template) on schedule {}", value.trim()),
            ),
            "livenessProbe" | "readinessProbe" | "startupProbe"
                if literal_body(lines, i, to, &["httpGet", "exec", "tcpSocket", "grpc"]) =>
            {
                out.fact(K8S_PROBE, at, format!("{key} (Helm template)"))
            }
            "resources"
                if value.trim().is_empty()
                    && literal_body(lines, i, to, &["requests", "limits"]) =>
            {
                out.fact(K8S_RESOURCES, at, "resources (Helm template)")
            }
            _ => {}
        }
    }
}

/// Whether the block under line `at` (the lines indented deeper, template
/// actions and comments aside) has one of `keys` written out.
fn literal_body(lines: &[&str], at: usize, to: usize, keys: &[&str]) -> bool {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = indent(lines[at]);
    for l in &lines[at + 1..to] {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') || t.starts_with("{{") {
            continue;
        }
        if indent(l) <= own {
            return false;
        }
        if keys
            .iter()
            .any(|k| t.strip_prefix(k).is_some_and(|r| r.starts_with(':')))
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Vec<String> {
        let mut out = ConfigFacts::default();
        template(text, &mut out);
        out.fact_lines()
    }

    #[test]
    fn literal_probes_count_values_driven_ones_do_not() {
        let t = "{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"app.fullname\" . }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          readinessProbe:\n            {{- if .Values.tls }}\n            httpGet: {path: /health, port: http}\n            {{- end }}\n          livenessProbe:\n            {{- toYaml .Values.livenessProbe | nindent 12 }}\n          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n{{- end }}\n---\napiVersion: v1\nkind: Service\n";
        assert_eq!(
            facts(t),
            vec![
                "k8s.probe:11",
                "k8s.resource:22",
                "k8s.resource:3",
                "k8s.service:22",
                "k8s.workload:3"
            ]
        );
    }

    #[test]
    fn templated_kinds_and_helpers_state_nothing() {
        assert!(facts("apiVersion: v1\nkind: {{ .Values.kind }}\n").is_empty());
        assert!(facts("{{- define \"x\" -}}\nname: y\n{{- end }}\n").is_empty());
    }

    #[test]
    fn chart_needs_api_version_and_name() {
        let mut out = ConfigFacts::default();
        chart("apiVersion: v2\nname: api\nversion: 0.1.0\n", &mut out);
        assert_eq!(out.facts[0].line, 2);
        let mut out = ConfigFacts::default();
        chart("description: x\n", &mut out);
        assert!(out.problems[0].contains("needs `apiVersion` and `name`"));
        let mut out = ConfigFacts::default();
        chart("name: [\n", &mut out);
        assert!(out.problems[0].starts_with("not valid YAML"));
    }
}
