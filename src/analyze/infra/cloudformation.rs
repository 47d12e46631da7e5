//! CloudFormation and SAM templates, in YAML (short tags such as `!Ref`
//! and `!Sub` are read through to their values) or JSON: the resources with
//! an `AWS::` type, Lambda functions, parameters and outputs.

use super::{CFN_FUNCTION, CFN_OUTPUT, CFN_PARAMETER, CFN_RESOURCE, CFN_TEMPLATE, DEPLOY_PLATFORM};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::yaml::Node;

const FUNCTION_TYPES: &[&str] = &["AWS::Lambda::Function", "AWS::Serverless::Function"];

/// A template: `AWSTemplateFormatVersion`, or `Resources` of `AWS::` types.
pub fn is_template(doc: &Node) -> bool {
    doc.get("AWSTemplateFormatVersion").is_some()
        || doc
            .get("Resources")
            .is_some_and(|r| r.entries().iter().any(|(_, v)| aws_type(v).is_some()))
}

fn aws_type(resource: &Node) -> Option<&str> {
    resource
        .get("Type")
        .and_then(Node::as_str)
        .filter(|t| t.starts_with("AWS::"))
}

/// The facts of one template document.
pub fn template(doc: &Node, out: &mut ConfigFacts) {
    let transform = doc.entry("Transform");
    let sam = transform.is_some_and(|(_, t)| {
        t.strings()
            .iter()
            .filter_map(|n| n.as_str())
            .any(|s| s.starts_with("AWS::Serverless"))
    });
    let what = if sam {
        "SAM template"
    } else {
        "CloudFormation template"
    };
    let anchor = doc
        .entry("AWSTemplateFormatVersion")
        .or_else(|| doc.entry("Resources"))
        .or_else(|| doc.entries().first().map(|(k, v)| (k, v)));
    if let Some((k, _)) = anchor {
        out.fact(CFN_TEMPLATE, k.line, what);
    }
    if let (true, Some((k, _))) = (sam, transform) {
        out.fact(DEPLOY_PLATFORM, k.line, "AWS SAM (serverless application)");
    }
    let default_handler = doc
        .get("Globals")
        .and_then(|g| g.get("Function"))
        .and_then(|f| f.get("Handler"))
        .and_then(Node::as_str);
    if let Some(r) = doc.get("Resources") {
        resources(r, default_handler, out);
    }
    for (k, _) in doc.get("Parameters").map(Node::entries).unwrap_or(&[]) {
        out.fact(CFN_PARAMETER, k.line, format!("parameter {}", k.text));
    }
    for (k, _) in doc.get("Outputs").map(Node::entries).unwrap_or(&[]) {
        out.fact(CFN_OUTPUT, k.line, format!("output {}", k.text));
    }
}

/// Each resource of a `Resources` mapping (also used for the `resources:`
/// section of a serverless.yml, which is CloudFormation).
pub fn resources(node: &Node, default_handler: Option<&str>, out: &mut ConfigFacts) {
    for (k, r) in node.entries() {
        let Some(ty) = aws_type(r) else { continue };
        out.fact(CFN_RESOURCE, k.line, format!("{}: {ty}", k.text));
        if FUNCTION_TYPES.contains(&ty) {
            let handler = r
                .get("Properties")
                .and_then(|p| p.get("Handler"))
                .and_then(Node::as_str)
                .or(default_handler)
                .map(|h| format!(" (handler {h})"))
                .unwrap_or_default();
            out.fact(CFN_FUNCTION, k.line, format!("{}: {ty}{handler}", k.text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::yaml;

    #[test]
    fn sam_template_with_tags() {
        let t = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Handler: app.handler\nParameters:\n  Stage:\n    Type: String\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Environment:\n        Variables:\n          TABLE: !Ref Table\n  Table:\n    Type: AWS::DynamoDB::Table\n  Custom:\n    Type: Custom::Thing\nOutputs:\n  Url:\n    Value: !Sub 'https://${Fn}.example'\n";
        let doc = &yaml::load(t).unwrap()[0];
        assert!(is_template(doc));
        let mut out = ConfigFacts::default();
        template(doc, &mut out);
        let got: Vec<String> = out
            .facts
            .iter()
            .map(|f| format!("{}:{}", f.name, f.line))
            .collect();
        assert_eq!(
            got,
            vec![
                "cfn.template:1",
                "deploy.platform:2",
                "cfn.resource:10",
                "cfn.function:10",
                "cfn.resource:16",
                "cfn.parameter:7",
                "cfn.output:21"
            ]
        );
        assert!(out.facts[3].detail.contains("handler app.handler"));
    }

    #[test]
    fn other_yaml_with_resources_is_not_a_template() {
        let doc = &yaml::load("Resources:\n  cpu: 2\n").unwrap()[0];
        assert!(!is_template(doc));
    }
}
