//! conda's `environment.yml`: the `dependencies:` list (conda specs such as
//! `numpy=1.26` or `conda-forge::pandas>=2`) and its `pip:` sublist (pip
//! requirements). `channels:` are not packages.

use super::requirement::Requirement;
use crate::analyze::facts::ConfigFacts;
use crate::analyze::yaml::{self, Node, Value};

pub fn read(text: &str, out: &mut ConfigFacts) {
    let docs = yaml::documents(text, out);
    for doc in &docs {
        if let Some(deps) = doc.get("dependencies") {
            for item in deps.items() {
                match &item.value {
                    Value::Scalar { text, .. } => conda_spec(item, text, out),
                    Value::Map(_) => {
                        if let Some(pip) = item.get("pip") {
                            pip_specs(pip, out);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

fn conda_spec(item: &Node, spec: &str, out: &mut ConfigFacts) {
    // `channel::name` names the channel to take the package from.
    let spec = spec.rsplit("::").next().unwrap_or(spec);
    if let Some(r) = Requirement::parse_conda(spec) {
        if r.name != "python" && r.name != "pip" {
            r.state(item.line, out);
        }
    }
}

fn pip_specs(pip: &Node, out: &mut ConfigFacts) {
    for item in pip.items() {
        let Some(spec) = item.as_str() else { continue };
        if spec.starts_with('-') || spec.contains("://") {
            continue;
        }
        match Requirement::parse(spec) {
            Ok(r) => r.state(item.line, out),
            Err(reason) => out.problem(format!(
                "line {}: `{spec}` is not a valid requirement: {reason}",
                item.line
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conda_and_pip_dependencies() {
        let mut out = ConfigFacts::default();
        read(
            "name: x\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - conda-forge::pandas>=2\n  - numpy\n  - pip\n  - pip:\n    - streamlit==1.30\n",
            &mut out,
        );
        assert_eq!(
            out.deps,
            vec![
                ("pandas".into(), 6),
                ("numpy".into(), 7),
                ("streamlit".into(), 10)
            ]
        );
        assert!(out.problems.is_empty());
    }
}
