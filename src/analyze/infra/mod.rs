//! Deployment and infrastructure files: Kubernetes manifests and Helm charts, Terraform, CloudFormation and SAM, Ansible, and platform configurations (Procfile, fly.toml, ...).
//!
//! Files are known by name first (`Chart.yaml`, `fly.toml`, `serverless.yml`,
//! `*.tf`, ...). Any other YAML or `.template` file that no other analyzer
//! claims may be a Kubernetes manifest, a CloudFormation template or an
//! Ansible playbook, and any JSON file a CloudFormation template: its text is
//! searched for a word each format needs (`apiVersion` and `kind`,
//! `AWSTemplateFormatVersion` or `AWS::`, `hosts:`) and only then parsed, so the many YAML files that are none of these cost
//! a substring search. Such a file that fails to parse is a problem only when
//! its top-level lines look like one of these formats; a broken YAML that is
//! something else is not this analyzer's concern.

mod ansible;
mod cloudformation;
mod hcl;
mod helm;
mod kubernetes;
mod platforms;
mod serverless;
mod terraform;
pub(crate) mod trees;

use super::facts::ConfigFacts;
use super::yaml::{self, Node};
pub use platforms::Platform;

// The facts this analyzer states (see `config::facts!`).
crate::analyze::config::facts! {
    K8S_RESOURCE = "k8s.resource",
        "a Kubernetes resource (a document with apiVersion and a Kubernetes kind), at its kind";
    K8S_WORKLOAD = "k8s.workload",
        "a Kubernetes workload: Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod";
    K8S_SERVICE = "k8s.service",
        "a Kubernetes Service";
    K8S_INGRESS = "k8s.ingress",
        "a Kubernetes Ingress (or Gateway API Gateway/HTTPRoute)";
    K8S_PROBE = "k8s.probe",
        "a container's liveness, readiness or startup probe";
    K8S_RESOURCES = "k8s.resources",
        "a container's resource requests or limits";
    K8S_CRONJOB = "k8s.cronjob",
        "a Kubernetes CronJob's schedule";
    K8S_KUSTOMIZATION = "k8s.kustomization",
        "a kustomization (kustomization.yaml)";
    HELM_CHART = "helm.chart",
        "a Helm chart (Chart.yaml with apiVersion and name)";
    TERRAFORM_RESOURCE = "terraform.resource",
        "a Terraform resource block";
    TERRAFORM_AWS_RESOURCE = "terraform.aws_resource",
        "a Terraform resource of the AWS provider (aws_*)";
    TERRAFORM_DATA = "terraform.data",
        "a Terraform data source block";
    TERRAFORM_MODULE = "terraform.module",
        "a Terraform module block (reused infrastructure)";
    TERRAFORM_PROVIDER = "terraform.provider",
        "a Terraform provider block";
    TERRAFORM_SETTINGS = "terraform.settings",
        "a terraform {} settings block";
    TERRAFORM_BACKEND = "terraform.backend",
        "remote state: a backend or cloud block inside terraform {}";
    TERRAFORM_VARIABLE = "terraform.variable",
        "a Terraform input variable";
    TERRAFORM_OUTPUT = "terraform.output",
        "a Terraform output";
    CFN_TEMPLATE = "cfn.template",
        "a CloudFormation or SAM template (AWSTemplateFormatVersion, or Resources of AWS:: types)";
    CFN_RESOURCE = "cfn.resource",
        "a CloudFormation resource with an AWS:: type (also in serverless.yml resources)";
    CFN_FUNCTION = "cfn.function",
        "a Lambda function in a template (AWS::Lambda::Function or AWS::Serverless::Function)";
    CFN_PARAMETER = "cfn.parameter",
        "a CloudFormation template parameter";
    CFN_OUTPUT = "cfn.output",
        "a CloudFormation template output";
    ANSIBLE_PLAY = "ansible.play",
        "an Ansible play (hosts with tasks or roles), at its hosts";
    SERVERLESS_FUNCTION = "serverless.function",
        "a Lambda function with a handler in serverless.yml (provider aws)";
    PROCFILE_PROCESS = "procfile.process",
        "a process type of a Procfile (web, worker, release, ...)";
    DEPLOY_PLATFORM = "deploy.platform",
        "a deployment platform configured: Procfile, fly.toml, render.yaml, railway, vercel.json, App Engine app.yaml, Elastic Beanstalk, Zappa, heroku.yml, nixpacks.toml, App Runner, serverless.yml, a SAM template";
    DEPLOY_SERVES_PRODUCTION = "deploy.serves_production",
        "a platform's web/start command runs a production server (Procfile web, fly, render, railway, App Engine entrypoint, ...)";
}

/// The kinds of file this analyzer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A YAML file no one else claims: Kubernetes, CloudFormation or Ansible when its text says so.
    Yaml,
    /// `app.yaml`: App Engine when its runtime is Python, else as [`Kind::Yaml`].
    AppYaml,
    /// A YAML file under a `templates/` folder: a Helm template when it holds `{{`.
    HelmTemplate,
    HelmChart,
    Kustomization,
    /// A JSON file no one else claims: a CloudFormation template when its text says so.
    Json,
    /// A `.template` file: CloudFormation in JSON or YAML.
    Template,
    Terraform,
    Serverless,
    Procfile,
    Platform(Platform),
}

/// The kind of a file, by its path inside the repository.
pub fn kind_of(path: &str) -> Option<Kind> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let by_name = match name {
        "Procfile" => Some(Kind::Procfile),
        "Chart.yaml" | "Chart.yml" => Some(Kind::HelmChart),
        _ => None,
    };
    if by_name.is_some() {
        return by_name;
    }
    let platform = |p| Some(Kind::Platform(p));
    match lower.as_str() {
        "fly.toml" => return platform(Platform::Fly),
        "render.yaml" | "render.yml" => return platform(Platform::Render),
        "railway.json" => return platform(Platform::RailwayJson),
        "railway.toml" => return platform(Platform::RailwayToml),
        "vercel.json" => return platform(Platform::Vercel),
        "dockerrun.aws.json" => return platform(Platform::Dockerrun),
        "zappa_settings.json" => return platform(Platform::ZappaJson),
        "zappa_settings.yaml" | "zappa_settings.yml" => return platform(Platform::ZappaYaml),
        "heroku.yml" | "heroku.yaml" => return platform(Platform::HerokuYml),
        "nixpacks.toml" => return platform(Platform::Nixpacks),
        "apprunner.yaml" | "apprunner.yml" => return platform(Platform::AppRunner),
        "serverless.yml" | "serverless.yaml" => return Some(Kind::Serverless),
        "kustomization.yaml" | "kustomization.yml" | "kustomization" => {
            return Some(Kind::Kustomization)
        }
        "app.yaml" | "app.yml" => return Some(Kind::AppYaml),
        _ => {}
    }
    let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
    match ext {
        "tf" | "tofu" => Some(Kind::Terraform),
        "yaml" | "yml" => {
            let in_templates = path.split('/').rev().skip(1).any(|d| d == "templates");
            Some(if in_templates {
                Kind::HelmTemplate
            } else {
                Kind::Yaml
            })
        }
        "json" => Some(Kind::Json),
        "template" => Some(Kind::Template),
        _ => None,
    }
}

/// States the facts of one deployment or infrastructure file. Never fails:
/// what cannot be read is a problem naming its line.
pub fn analyze(kind: Kind, text: &str) -> ConfigFacts {
    let out = match kind {
        Kind::Yaml => generic_yaml(text, false),
        Kind::AppYaml => generic_yaml(text, true),
        Kind::HelmTemplate if text.contains("{{") => {
            let mut out = ConfigFacts::default();
            helm::template(text, &mut out);
            out
        }
        Kind::HelmTemplate => generic_yaml(text, false),
        Kind::HelmChart => {
            let mut out = ConfigFacts::default();
            helm::chart(text, &mut out);
            out
        }
        Kind::Kustomization => kustomization(text),
        Kind::Json => generic_json(text),
        Kind::Template if text.trim_start().starts_with('{') => generic_json(text),
        Kind::Template => generic_yaml(text, false),
        Kind::Terraform => terraform::analyze(text),
        Kind::Serverless => serverless::analyze(text),
        Kind::Procfile => platforms::procfile(text),
        Kind::Platform(p) => platforms::analyze(p, text),
    };
    out
}

/// The formats a text may hold, by words each format needs.
struct Hints {
    kubernetes: bool,
    cloudformation: bool,
    ansible: bool,
    app_engine: bool,
}

impl Hints {
    fn of(text: &str, app_yaml: bool) -> Hints {
        Hints {
            kubernetes: text.contains("apiVersion") && text.contains("kind"),
            cloudformation: text.contains("AWSTemplateFormatVersion") || text.contains("AWS::"),
            ansible: text.contains("hosts:"),
            app_engine: app_yaml && text.contains("runtime"),
        }
    }

    fn any(&self) -> bool {
        self.kubernetes || self.cloudformation || self.ansible || self.app_engine
    }
}

/// Whether a YAML text that failed to parse shows the top-level shape of a
/// format read here (so its error is worth a note).
fn looks_like_ours(text: &str, h: &Hints) -> bool {
    let top = |key: &str| text.lines().any(|l| l.starts_with(key));
    let nested = |key: &str| {
        text.lines()
            .any(|l| l.trim_start().trim_start_matches("- ").starts_with(key))
    };
    (h.kubernetes && top("apiVersion:") && top("kind:"))
        || (h.cloudformation && (text.contains("AWSTemplateFormatVersion") || top("Resources:")))
        || (h.ansible && nested("hosts:") && (nested("tasks:") || nested("roles:")))
        || (h.app_engine && top("runtime:"))
}

fn generic_yaml(text: &str, app_yaml: bool) -> ConfigFacts {
    let mut out = ConfigFacts::default();
    let hints = Hints::of(text, app_yaml);
    if !hints.any() {
        return out;
    }
    let (docs, error) = trees::yaml_documents(text);
    if let Some(e) = error {
        if looks_like_ours(text, &hints) {
            out.problem(e.to_string());
        }
    }
    for doc in &docs {
        document(doc, app_yaml, &mut out);
    }
    out
}

/// The top-level sections of a CloudFormation template.
const TEMPLATE_SECTIONS: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
];

/// A JSON object whose first key is a template section: decided from the
/// first bytes, so the many large JSON data files cost nothing more.
fn starts_like_a_template(text: &str) -> bool {
    let rest = text.trim_start().strip_prefix('{').unwrap_or("");
    let Some(key) = rest.trim_start().strip_prefix('"') else {
        return false;
    };
    key.split_once('"')
        .is_some_and(|(k, _)| TEMPLATE_SECTIONS.contains(&k))
}

fn generic_json(text: &str) -> ConfigFacts {
    let mut out = ConfigFacts::default();
    // Kubernetes manifests are read in YAML only: `"apiVersion"` and
    // `"kind"` are also fields of every Google API discovery document.
    let cfn = starts_like_a_template(text)
        && (text.contains("AWSTemplateFormatVersion") || text.contains("\"AWS::"));
    if !cfn {
        return out;
    }
    match trees::json(text) {
        Ok(doc) => document(&doc, false, &mut out),
        Err(problem) => {
            if text.contains("AWSTemplateFormatVersion") {
                out.problem(problem);
            }
        }
    }
    out
}

/// One document of a YAML or JSON file, by what it turns out to be (a JSON
/// document passed the CloudFormation prefilter, so the other checks are cheap no-ops).
fn document(doc: &Node, app_yaml: bool, out: &mut ConfigFacts) {
    if kubernetes::is_resource(doc) {
        kubernetes::resource(doc, out);
    } else if cloudformation::is_template(doc) {
        cloudformation::template(doc, out);
    } else if ansible::is_playbook(doc) {
        ansible::playbook(doc, out);
    } else if app_yaml && platforms::is_app_engine(doc) {
        platforms::app_engine(doc, out);
    }
}

fn kustomization(text: &str) -> ConfigFacts {
    let mut out = ConfigFacts::default();
    match yaml::load(text) {
        Ok(docs) => {
            if let Some(doc) = docs.first() {
                kubernetes::kustomization(doc, &mut out);
            }
        }
        Err(e) => out.problem(e.to_string()),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_path() {
        assert_eq!(kind_of("Procfile"), Some(Kind::Procfile));
        assert_eq!(kind_of("procfile"), None);
        assert_eq!(kind_of("charts/api/Chart.yaml"), Some(Kind::HelmChart));
        assert_eq!(
            kind_of("charts/api/templates/deployment.yaml"),
            Some(Kind::HelmTemplate)
        );
        assert_eq!(kind_of("charts/api/values.yaml"), Some(Kind::Yaml));
        assert_eq!(kind_of("infra/main.tf"), Some(Kind::Terraform));
        assert_eq!(kind_of("template.yaml"), Some(Kind::Yaml));
        assert_eq!(kind_of("stack.template"), Some(Kind::Template));
        assert_eq!(
            kind_of("deploy/fly.toml"),
            Some(Kind::Platform(Platform::Fly))
        );
        assert_eq!(kind_of("k8s/kustomization.yaml"), Some(Kind::Kustomization));
        assert_eq!(kind_of("README.md"), None);
        assert_eq!(kind_of("Makefile"), None);
    }

    #[test]
    fn generic_yaml_is_parsed_only_when_its_words_say_so() {
        // Broken, but nothing here is Kubernetes, CloudFormation or Ansible.
        assert_eq!(analyze(Kind::Yaml, "a: [\n"), ConfigFacts::default());
        // A k8s-looking manifest that does not parse is a problem.
        let bad = analyze(
            Kind::Yaml,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n   labels: {}\n",
        );
        assert!(
            bad.problems[0].starts_with("not valid YAML: line 5"),
            "{:?}",
            bad.problems
        );
        // kind and apiVersion in a value are not a resource.
        assert!(analyze(Kind::Yaml, "notes: apiVersion and kind\n")
            .facts
            .is_empty());
    }

    #[test]
    fn app_yaml_is_app_engine_or_anything_else() {
        let gae = analyze(
            Kind::AppYaml,
            "runtime: python312\nentrypoint: gunicorn -b :$PORT main:app\n",
        );
        let names: Vec<&str> = gae.facts.iter().map(|f| f.name).collect();
        assert_eq!(names, vec!["deploy.platform", "deploy.serves_production"]);
        assert!(analyze(Kind::AppYaml, "name: my-app\nruntime_log: x\n")
            .facts
            .is_empty());
        let k8s = analyze(
            Kind::AppYaml,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n",
        );
        assert_eq!(k8s.facts.len(), 2);
    }

    #[test]
    fn json_cloudformation() {
        let t = "{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Resources\": {\n    \"Bucket\": {\"Type\": \"AWS::S3::Bucket\"}\n  }\n}\n";
        let f = analyze(Kind::Json, t);
        let got: Vec<String> = f
            .facts
            .iter()
            .map(|f| format!("{}:{}", f.name, f.line))
            .collect();
        assert_eq!(got, vec!["cfn.template:2", "cfn.resource:4"]);
        assert!(analyze(Kind::Json, "{\"name\": \"pkg\"}").facts.is_empty());
        let broken = analyze(Kind::Json, "{\"AWSTemplateFormatVersion\": }");
        assert!(broken.problems[0].starts_with("not valid JSON: line 1"));
        // Google discovery documents hold apiVersion and kind: not read.
        assert!(!starts_like_a_template(
            "{\"kind\": \"discovery#restDescription\"}"
        ));
        assert!(starts_like_a_template(" \n{\n  \"Description\": \"x\""));
    }

    /// The Docker and infrastructure fixtures: (path in the repository, text).
    fn fixtures() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/config");
        let mut files = Vec::new();
        for dir in ["docker", "infra"] {
            let mut stack = vec![root.join(dir)];
            while let Some(d) = stack.pop() {
                for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else {
                        let rel = p.strip_prefix(root.join(dir)).map(|r| r.to_path_buf());
                        files.push((rel, p));
                    }
                }
            }
        }
        assert!(files.len() > 20);
        files
            .into_iter()
            .map(|(rel, p)| {
                let rel = rel.unwrap().to_string_lossy().replace('\\', "/");
                (rel, std::fs::read_to_string(&p).unwrap())
            })
            .collect()
    }

    /// Truncated files are the commonest malformed input: every prefix of
    /// every Docker and infrastructure fixture is read without a panic.
    #[test]
    fn every_prefix_of_the_fixtures_is_read() {
        for (rel, text) in fixtures() {
            let Some(kind) = crate::analyze::config::kind_of(&rel) else {
                continue;
            };
            for (i, _) in text.char_indices() {
                let _ = crate::analyze::config::analyze(kind, &text[..i]);
            }
        }
    }

    /// Files written on Windows give the same facts at the same lines.
    #[test]
    fn crlf_line_endings_give_the_same_facts() {
        for (rel, text) in fixtures() {
            let Some(kind) = crate::analyze::config::kind_of(&rel) else {
                continue;
            };
            let lf = crate::analyze::config::analyze(kind, &text);
            let crlf = crate::analyze::config::analyze(kind, &text.replace('\n', "\r\n"));
            let names = |f: &ConfigFacts| -> Vec<(&str, u32)> {
                f.facts.iter().map(|x| (x.name, x.line)).collect()
            };
            assert_eq!(names(&lf), names(&crlf), "{rel}");
            assert_eq!(lf.problems.len(), crlf.problems.len(), "{rel}");
        }
    }
}
