//! Terraform / OpenTofu files: what the top-level blocks declare.

use super::hcl::{self, Block};
use super::{
    TERRAFORM_AWS_RESOURCE, TERRAFORM_BACKEND, TERRAFORM_DATA, TERRAFORM_MODULE, TERRAFORM_OUTPUT,
    TERRAFORM_PROVIDER, TERRAFORM_RESOURCE, TERRAFORM_SETTINGS, TERRAFORM_VARIABLE,
};
use crate::analyze::facts::ConfigFacts;

/// States the facts of one `.tf` file.
pub fn analyze(text: &str) -> ConfigFacts {
    let body = hcl::parse(text);
    let mut out = ConfigFacts {
        problems: body.problems,
        ..ConfigFacts::default()
    };
    for b in &body.blocks {
        block(b, &mut out);
    }
    out
}

fn block(b: &Block, out: &mut ConfigFacts) {
    let label = |i: usize| b.labels.get(i).map(String::as_str).unwrap_or("");
    match b.kind.as_str() {
        "resource" => {
            let shown = format!("resource {}.{}", label(0), label(1));
            if label(0).starts_with("aws_") {
                out.fact(TERRAFORM_AWS_RESOURCE, b.line, shown.clone());
            }
            out.fact(TERRAFORM_RESOURCE, b.line, shown);
        }
        "data" => out.fact(
            TERRAFORM_DATA,
            b.line,
            format!("data.{}.{}", label(0), label(1)),
        ),
        "module" => out.fact(TERRAFORM_MODULE, b.line, format!("module.{}", label(0))),
        "provider" => out.fact(TERRAFORM_PROVIDER, b.line, format!("provider {}", label(0))),
        "variable" => out.fact(TERRAFORM_VARIABLE, b.line, format!("var.{}", label(0))),
        "output" => out.fact(TERRAFORM_OUTPUT, b.line, format!("output {}", label(0))),
        "terraform" => {
            out.fact(TERRAFORM_SETTINGS, b.line, "terraform settings block");
            for inner in &b.blocks {
                match inner.kind.as_str() {
                    "backend" => out.fact(
                        TERRAFORM_BACKEND,
                        inner.line,
                        format!(
                            "state in backend \"{}\"",
                            inner.labels.first().map(String::as_str).unwrap_or("")
                        ),
                    ),
                    "cloud" => out.fact(
                        TERRAFORM_BACKEND,
                        inner.line,
                        "state in HCP Terraform (cloud block)",
                    ),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_facts() {
        let t = "terraform {\n  cloud {\n    organization = \"me\"\n  }\n}\nresource \"google_storage_bucket\" \"b\" {}\nresource \"aws_s3_bucket\" \"data\" {\n}\nlocals { x = 1 }\n";
        let f = analyze(t);
        let got: Vec<String> = f
            .facts
            .iter()
            .map(|f| format!("{}:{}", f.name, f.line))
            .collect();
        assert_eq!(
            got,
            vec![
                "terraform.settings:1",
                "terraform.backend:2",
                "terraform.resource:6",
                "terraform.aws_resource:7",
                "terraform.resource:7",
            ]
        );
    }
}
