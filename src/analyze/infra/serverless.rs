//! serverless.yml (the Serverless Framework): the provider, the functions
//! with their handlers, and the CloudFormation `resources:` it adds.
//! `${self:custom.x}` variables stay text.

use super::cloudformation;
use super::{DEPLOY_PLATFORM, SERVERLESS_FUNCTION};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::yaml::{self, Node};

/// States the facts of one serverless.yml.
pub fn analyze(text: &str) -> ConfigFacts {
    let mut out = ConfigFacts::default();
    let docs = yaml::documents(text, &mut out);
    let Some(doc) = docs.first() else {
        return out;
    };
    let Some((pk, provider)) = doc.entry("provider") else {
        return out;
    };
    let name = provider
        .as_str()
        .or_else(|| provider.get("name").and_then(Node::as_str))
        .unwrap_or("");
    out.fact(
        DEPLOY_PLATFORM,
        pk.line,
        format!("Serverless Framework (provider {name})"),
    );
    // Only AWS functions are Lambda functions; other providers name theirs alike.
    if name == "aws" {
        for (fname, f) in doc.get("functions").map(Node::entries).unwrap_or(&[]) {
            if let Some((hk, handler)) = f.entry("handler") {
                out.fact(
                    SERVERLESS_FUNCTION,
                    hk.line,
                    format!("{}: {}", fname.text, handler.as_str().unwrap_or("")),
                );
            }
        }
    }
    if let Some(r) = doc.get("resources").and_then(|r| r.get("Resources")) {
        cloudformation::resources(r, None, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_functions_and_resources() {
        let t = "service: api\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  hello:\n    handler: handler.hello\n    events:\n      - httpApi: GET /\n  image:\n    image: repo:tag\nresources:\n  Resources:\n    Table:\n      Type: AWS::DynamoDB::Table\n";
        let got: Vec<String> = analyze(t)
            .facts
            .iter()
            .map(|f| format!("{}:{}", f.name, f.line))
            .collect();
        assert_eq!(
            got,
            vec![
                "deploy.platform:2",
                "serverless.function:7",
                "cfn.resource:14"
            ]
        );
        let azure = analyze("provider:\n  name: azure\nfunctions:\n  a:\n    handler: x.y\n");
        assert_eq!(azure.facts.len(), 1);
    }
}
