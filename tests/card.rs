//! The shareable card: a self-contained SVG whose levels are the report's,
//! that loads nothing, and a profile README snippet linking the evidence.

mod common;

use common::{browser, cli, fixture_as_git, root};
use roxmltree::Document;
use serde_json::Value;

fn card(args: &[&str]) -> String {
    let mut all = vec!["card"];
    all.extend_from_slice(args);
    let run = cli(&all);
    assert_eq!(run.code, 0, "{}", run.err);
    run.out
}

#[test]
fn the_card_draws_the_reports_areas_and_score() {
    let portfolio = root().join("fixtures/portfolio");
    let path = portfolio.to_str().unwrap();
    let svg = card(&[path, "--title", "Ada's <portfolio>"]);
    let json = common::scan_json(&[path]);
    let doc = Document::parse(&svg).expect("the card is well-formed XML");
    let score = doc
        .descendants()
        .find(|n| n.attribute("data-score").is_some() && n.has_tag_name("text"))
        .unwrap();
    assert_eq!(
        score.attribute("data-score").unwrap(),
        json["portfolio"]["checklist"]["score"].to_string()
    );
    let areas = json["portfolio"]["areas"].as_array().unwrap();
    let drawn: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("data-area").is_some())
        .collect();
    assert_eq!(drawn.len(), areas.len());
    for (g, a) in drawn.iter().zip(areas) {
        let at: Vec<u64> = a["at_level"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        let top = (1..4).rev().find(|&l| at[l] > 0).unwrap_or(0);
        assert_eq!(g.attribute("data-area").unwrap(), a["id"].as_str().unwrap());
        assert_eq!(g.attribute("data-score").unwrap(), a["score"].to_string());
        assert_eq!(g.attribute("data-top-level").unwrap(), top.to_string());
        assert_eq!(
            g.attribute("data-seen").unwrap(),
            (at[1] + at[2] + at[3]).to_string()
        );
        assert_eq!(
            g.attribute("data-competencies").unwrap(),
            a["competencies"].to_string()
        );
    }
    // The title is the user's text, escaped.
    assert!(
        svg.contains("Ada&#39;s &#60;portfolio&#62;")
            || svg.contains("Ada&#x27;s &lt;portfolio&gt;")
            || svg.contains("Ada&#39;s &lt;portfolio&gt;"),
        "{}",
        &svg[..600]
    );
    // Nothing to fetch, nothing to run.
    for needle in [
        "<script",
        "href",
        "<image",
        "url(",
        "@import",
        "<foreignObject",
    ] {
        assert!(!svg.contains(needle), "`{needle}` in the card");
    }
}

#[test]
fn claims_and_self_reports_never_show_as_measured() {
    let repo = root().join("fixtures/portfolio/calculator-and-todo");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("portfolio-audit.toml");
    std::fs::write(
        &config,
        "[self_report]\ncommunity = \"forum helper\"\n\n[claims]\n\"testing.unit\" = \"at my internship\"\n\"devops.docker\" = \"at work\"\n",
    )
    .unwrap();
    let plain = card(&[repo.to_str().unwrap()]);
    let claimed = card(&[repo.to_str().unwrap(), "--config", config.to_str().unwrap()]);
    assert_eq!(plain, claimed);
}

#[test]
fn the_card_renders_in_a_browser_and_fetches_nothing() {
    if browser::require().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let svg = card(&[root().join("fixtures/portfolio").to_str().unwrap()]);
    // Inline in a page that allows no fetch at all: anything the card tried
    // to load (a font, an image, a stylesheet) would be a CSP violation on
    // the console.
    let page = format!(
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/><title>card</title></head><body>{svg}</body></html>"
    );
    let html = dir.path().join("card.html");
    std::fs::write(&html, page).unwrap();
    let loaded = browser::load(&html);
    assert!(loaded.console.is_empty(), "{:#?}", loaded.console);
    assert_eq!(loaded.title(), "card");
    // Rendered: the areas are in the page as the browser built it.
    assert!(loaded.dom.contains("data-area=\"web\""), "{}", loaded.dom);
}

#[test]
fn the_readme_snippet_links_the_strongest_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let repo = fixture_as_git("fastapi-service", dir.path());
    repo.remote("origin", "https://github.com/ada/shop.git")
        .unwrap();
    let md = card(&[
        dir.path().to_str().unwrap(),
        "--format",
        "markdown",
        "--image",
        "docs/card.svg",
    ]);
    assert!(md.starts_with("![Portfolio audit: "), "{md}");
    assert!(md.contains("](docs/card.svg)"), "{md}");
    let json: Value = common::scan_json(&[dir.path().to_str().unwrap()]);
    let sha = json["repos"][0]["revision"].as_str().unwrap();
    let prefix = format!("https://github.com/ada/shop/blob/{sha}/");
    let links = md.matches(&format!("]({prefix}")).count();
    assert!(links >= 5, "{links} links in:\n{md}");
    assert!(md.contains("- **Web and APIs**: "), "{md}");
    assert!(md.contains("claims and self-reports are not counted"));
}
