//! Kubernetes manifests: resources (a document with `apiVersion` and a
//! known `kind`), the containers of workloads with their probes and resource
//! requests/limits, CronJob schedules, and kustomizations.

use super::{
    K8S_CRONJOB, K8S_INGRESS, K8S_KUSTOMIZATION, K8S_PROBE, K8S_RESOURCE, K8S_RESOURCES,
    K8S_SERVICE, K8S_WORKLOAD,
};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::yaml::{Key, Node};

/// Kinds of the Kubernetes API (and the Gateway API) that a manifest
/// deploys. A document of another kind (`kind: Classifier`, a Backstage
/// `Component`) is not a Kubernetes resource here.
pub const KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Service",
    "Ingress",
    "IngressClass",
    "Gateway",
    "HTTPRoute",
    "ConfigMap",
    "Secret",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "Namespace",
    "NetworkPolicy",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "LimitRange",
    "ResourceQuota",
    "Endpoints",
    "CustomResourceDefinition",
];

/// Kinds that run containers.
pub const WORKLOADS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

/// Kinds that expose a workload to the network.
pub const EXPOSING: &[&str] = &["Ingress", "Gateway", "HTTPRoute"];

const PROBES: &[&str] = &["livenessProbe", "readinessProbe", "startupProbe"];

/// Whether a document is a Kubernetes resource (or a `List` of them).
pub fn is_resource(doc: &Node) -> bool {
    let kind = doc.get("kind").and_then(Node::as_str).unwrap_or("");
    doc.get("apiVersion").and_then(Node::as_str).is_some()
        && (KINDS.contains(&kind) || kind == "List" || kind == "Kustomization")
}

/// The facts of one resource document.
pub fn resource(doc: &Node, out: &mut ConfigFacts) {
    let Some((kind_key, kind)) = doc.entry("kind") else {
        return;
    };
    let kind = kind.as_str().unwrap_or("");
    if kind == "List" {
        for item in doc.get("items").map(Node::items).unwrap_or(&[]) {
            if is_resource(item) {
                resource(item, out);
            }
        }
        return;
    }
    if kind == "Kustomization" {
        kustomization(doc, out);
        return;
    }
    if !KINDS.contains(&kind) {
        return;
    }
    let name = doc
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or("");
    let shown = format!("{kind} {name}").trim_end().to_string();
    kind_facts(kind, kind_key.line, &shown, out);
    if kind == "CronJob" {
        let spec = doc.get("spec");
        if let Some((k, s)) = spec.and_then(|s| s.entry("schedule")) {
            out.fact(
                K8S_CRONJOB,
                k.line,
                format!("{shown} on schedule {}", s.as_str().unwrap_or("?")),
            );
        }
    }
    if let Some(pod) = pod_spec(kind, doc) {
        for c in pod.get("containers").map(Node::items).unwrap_or(&[]) {
            container(c, out);
        }
    }
}

/// `k8s.resource` and what kind of resource it is, at the `kind:` line.
pub fn kind_facts(kind: &str, line: u32, shown: &str, out: &mut ConfigFacts) {
    out.fact(K8S_RESOURCE, line, shown);
    if WORKLOADS.contains(&kind) {
        out.fact(K8S_WORKLOAD, line, shown);
    }
    if kind == "Service" {
        out.fact(K8S_SERVICE, line, shown);
    }
    if EXPOSING.contains(&kind) {
        out.fact(K8S_INGRESS, line, shown);
    }
}

/// Where a workload's pod template is.
fn pod_spec<'a>(kind: &str, doc: &'a Node) -> Option<&'a Node> {
    let spec = doc.get("spec")?;
    match kind {
        "Pod" => Some(spec),
        "CronJob" => spec
            .get("jobTemplate")?
            .get("spec")?
            .get("template")?
            .get("spec"),
        k if WORKLOADS.contains(&k) => spec.get("template")?.get("spec"),
        _ => None,
    }
}

fn container(c: &Node, out: &mut ConfigFacts) {
    let name = c.get("name").and_then(Node::as_str).unwrap_or("container");
    for probe in PROBES {
        if let Some((k, p)) = c.entry(probe) {
            if p.is_map() {
                out.fact(K8S_PROBE, k.line, format!("{name}: {probe}"));
            }
        }
    }
    if let Some((k, r)) = c.entry("resources") {
        let set: Vec<String> = ["requests", "limits"]
            .iter()
            .filter_map(|part| {
                let m = r.get(part)?;
                let keys: Vec<&str> = m.entries().iter().map(|(k, _)| k.text.as_str()).collect();
                (!keys.is_empty()).then(|| format!("{part} {}", keys.join("/")))
            })
            .collect();
        if !set.is_empty() {
            out.fact(K8S_RESOURCES, k.line, format!("{name}: {}", set.join(", ")));
        }
    }
}

/// A kustomization: at its `resources:` (or first) key.
pub fn kustomization(doc: &Node, out: &mut ConfigFacts) {
    let entries = doc.entries();
    let Some((first, _)) = entries.first() else {
        return;
    };
    let (key, shown): (&Key, String) = match doc.entry("resources") {
        Some((k, r)) => (k, format!("kustomization of {} resources", r.items().len())),
        None => (first, "kustomization".to_string()),
    };
    out.fact(K8S_KUSTOMIZATION, key.line, shown);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::yaml;

    fn facts(text: &str) -> Vec<String> {
        let mut out = ConfigFacts::default();
        for d in yaml::load(text).unwrap() {
            if is_resource(&d) {
                resource(&d, &mut out);
            }
        }
        out.fact_lines()
    }

    #[test]
    fn cronjob_containers_are_found_through_the_job_template() {
        let t = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: \"0 7 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: report\n              image: app:1\n              resources:\n                limits: {memory: 128Mi}\n";
        assert_eq!(
            facts(t),
            vec![
                "k8s.cronjob:6",
                "k8s.resource:2",
                "k8s.resources:14",
                "k8s.workload:2"
            ]
        );
    }

    #[test]
    fn unknown_kinds_and_empty_resources_state_nothing() {
        assert!(facts("apiVersion: v1\nkind: Classifier\nlayers: 3\n").is_empty());
        assert!(facts("kind: Deployment\n").is_empty());
        let t = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      resources: {}\n      livenessProbe: null\n";
        assert_eq!(facts(t), vec!["k8s.resource:2", "k8s.workload:2"]);
    }

    #[test]
    fn lists_hold_resources() {
        let t = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: web}\n";
        assert_eq!(facts(t), vec!["k8s.resource:5", "k8s.service:5"]);
    }
}
