//! Snapshots of every report renderer on the fixture portfolio, so any
//! change to what a user reads shows up as a reviewed `.snap` diff
//! (tests/snapshots/). The machine's path to the crate and the tool's
//! version are filtered out. Update with `INSTA_UPDATE=always cargo test
//! --test snapshots`, then read the diff before committing it.

mod common;

use portfolio_audit::model::Report;
use portfolio_audit::report::{csv, html, json, markdown, text};

fn render(f: fn(&Report, &mut dyn std::io::Write) -> std::io::Result<()>, r: &Report) -> String {
    let mut out = Vec::new();
    f(r, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn every_renderer_on_the_fixture_portfolio() {
    let portfolio = common::root().join("fixtures/portfolio");
    let run = common::cli(&["scan", portfolio.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let report: Report = serde_json::from_str(&run.out).unwrap();
    // The JSON reads back into the model it came from, to the byte: the
    // other renderers below print exactly what a scan would.
    let again = render(|r, out| json::render(r, out), &report);
    assert!(again == run.out, "the JSON report does not round-trip");
    assert_eq!(report.repos.len(), 6);

    let mut settings = insta::Settings::clone_current();
    settings.add_filter(&regex::escape(common::root().to_str().unwrap()), "[ROOT]");
    settings.add_filter(
        &format!(
            r#"(portfolio-audit |"version": "){}"#,
            regex::escape(env!("CARGO_PKG_VERSION"))
        ),
        "${1}[VERSION]",
    );
    settings.bind(|| {
        insta::assert_snapshot!("portfolio_text", render(text::render, &report));
        insta::assert_snapshot!("portfolio_markdown", render(markdown::render, &report));
        insta::assert_snapshot!("portfolio_csv", render(csv::render, &report));
        insta::assert_snapshot!("portfolio_html", render(html::render, &report));
        insta::assert_snapshot!("portfolio_json", run.out);
    });
}
