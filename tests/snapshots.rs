//! What users read, pinned where a change can be reviewed:
//! - one golden file per output format, rendered from a small fixed report
//!   (`tests/data/golden/report.json`: one repository, a few competencies, a
//!   finding, a note, a self-report item), so a renderer change is a diff of
//!   a few lines, not of the whole fixture portfolio;
//! - each rule's and finding's examples with the evidence they give
//!   (`tests/snapshots/rules/`), so a rule change shows on that rule alone.
//!
//! What the fixture portfolio must show is asserted by behaviour in
//! `tests/portfolio.rs` (`tests/data/portfolio_expectations.toml`).
//! Update with `INSTA_UPDATE=always cargo test --test snapshots`, then read
//! the diff before committing it.

mod common;

use portfolio_audit::audit::examples::{flag_examples, run_all};
use portfolio_audit::model::Report;
use portfolio_audit::portfolio::RuleSet;
use portfolio_audit::report::{badge, card, csv, html, json, markdown, summary, text};

fn golden() -> Report {
    let text =
        std::fs::read_to_string(common::root().join("tests/data/golden/report.json")).unwrap();
    serde_json::from_str(&text).expect("the golden report is a valid report")
}

fn render(f: impl Fn(&Report, &mut dyn std::io::Write) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&golden(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn every_renderer_on_the_golden_report() {
    let text_report = render(text::render);
    // The facts under test, beside the pictures of them.
    assert!(text_report.contains("app/settings.py:4"), "{text_report}");
    assert!(text_report.contains("declares mypy"), "{text_report}");
    assert!(
        text_report.contains("not counted: 13 files (12 vendored, 1 generated)"),
        "{text_report}"
    );
    let md = render(markdown::render);
    assert!(md.contains("50"), "{md}");
    insta::assert_snapshot!("golden_text", text_report);
    let summary = render(|r, out| summary::render(r, out, &text::Palette::PLAIN, 100));
    assert!(
        summary.contains("Next steps, in roadmap order"),
        "{summary}"
    );
    insta::assert_snapshot!("golden_text_summary", summary);
    insta::assert_snapshot!("golden_markdown", md);
    insta::assert_snapshot!("golden_csv", render(csv::render));
    insta::assert_snapshot!("golden_html", render(html::render));
    insta::assert_snapshot!("golden_json", render(|r, out| json::render(r, out)));
    insta::assert_snapshot!(
        "golden_badge",
        render(|r, out| badge::render(r, "portfolio", out))
    );
    let svg = render(|r, out| card::render_svg(r, "Ada Lovelace", out));
    assert!(
        svg.contains(">50*</text>"),
        "the card marks a narrowed score"
    );
    insta::assert_snapshot!("golden_card", svg);
    insta::assert_snapshot!(
        "golden_card_markdown",
        render(|r, out| card::render_markdown(r, "card.svg", out))
    );
}

#[test]
fn the_json_report_reads_back_to_the_byte() {
    // A scan's JSON reads back into the model it came from: the renderers
    // above print exactly what a scan would.
    let portfolio = common::root().join("fixtures/portfolio");
    let run = common::cli(&["scan", portfolio.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.err);
    let report: Report = serde_json::from_str(&run.out).unwrap();
    assert_eq!(report.repos.len(), 6);
    let mut again = Vec::new();
    json::render(&report, &mut again).unwrap();
    assert!(
        String::from_utf8(again).unwrap() == run.out,
        "the JSON report does not round-trip"
    );
}

/// Each rule's examples as its audit sees them: expected, got, and the
/// evidence (path, line, detail) that made the level or the finding.
#[test]
fn every_rules_example_evidence() {
    let set = RuleSet::embedded().unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/rules");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let ids: Vec<String> = set
        .rules
        .iter()
        .map(|r| r.id.clone())
        .chain(set.findings.iter().map(|f| f.id.clone()))
        .chain(std::iter::once("possibly-copied".to_string()))
        .collect();
    let mut results = run_all(&set, None);
    results.extend(flag_examples(&set));
    results.sort_by(|a, b| (&a.source, a.line).cmp(&(&b.source, b.line)));
    let mut seen = std::collections::BTreeSet::new();
    for r in &results {
        seen.insert(r.source.clone());
    }
    settings.bind(|| {
        for source in &seen {
            let mut shown = String::new();
            for r in results.iter().filter(|r| &r.source == source) {
                shown.push_str(&format!(
                    "line {}: expected {}, got {}\n",
                    r.line, r.expected, r.got
                ));
                for e in &r.evidence {
                    shown.push_str(&format!("    {e}\n"));
                }
            }
            // rules/py.regex.toml → py.regex; rules/findings/sec.eval.toml → finding.sec.eval
            let name = source
                .trim_start_matches("rules/")
                .trim_end_matches(".toml")
                .replace("findings/", "finding.")
                .replace("flags/", "flag.");
            insta::assert_snapshot!(name, shown);
        }
    });
    assert_eq!(seen.len(), ids.len(), "every rule and finding has examples");
}
