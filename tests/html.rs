//! The HTML report (`--format html`): one self-contained, well-formed page
//! with the score, the checklist, the charts and, for several repositories,
//! the repositories × items matrix; and headless Chromium renders it without
//! a console message.

mod common;

use common::{browser, cli, fixture};
use roxmltree::{Document, Node};

/// The page for these scan arguments, and the scan's JSON for the same input.
fn page(args: &[&str]) -> (String, serde_json::Value) {
    let mut html_args = vec!["scan"];
    html_args.extend_from_slice(args);
    html_args.extend_from_slice(&["--format", "html"]);
    let run = cli(&html_args);
    assert_eq!(run.code, 0, "{}", run.err);
    (run.out, common::scan_json(args))
}

fn portfolio_page() -> &'static (String, serde_json::Value) {
    static PAGE: std::sync::OnceLock<(String, serde_json::Value)> = std::sync::OnceLock::new();
    PAGE.get_or_init(|| page(&[common::root().join("fixtures/portfolio").to_str().unwrap()]))
}

/// The page parsed as XML: the template keeps it well-formed, so every tag is closed.
fn parse(html: &str) -> Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true, // `<!DOCTYPE html>`
        ..Default::default()
    };
    Document::parse_with_options(html, options)
        .unwrap_or_else(|e| panic!("the page is not well-formed: {e}"))
}

fn has_class(n: &Node, class: &str) -> bool {
    n.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|x| x == class))
}

fn text(n: Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

fn elements<'a, 'i>(doc: &'a Document<'i>, tag: &str) -> Vec<Node<'a, 'i>> {
    doc.descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == tag)
        .collect()
}

#[test]
fn the_page_is_well_formed_with_one_html_head_and_body() {
    let (html, _) = portfolio_page();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..40]);
    let doc = parse(html);
    assert_eq!(doc.root_element().tag_name().name(), "html");
    for tag in ["html", "head", "body", "main"] {
        assert_eq!(elements(&doc, tag).len(), 1, "one <{tag}>");
    }
    let head = elements(&doc, "head")[0];
    assert_eq!(
        head.children().filter(|n| n.has_tag_name("title")).count(),
        1,
        "one document <title>"
    );
    assert_eq!(html.matches("<html").count(), 1);
}

#[test]
fn the_page_loads_nothing_and_runs_nothing() {
    let (html, _) = portfolio_page();
    let doc = parse(html);
    for tag in [
        "script", "link", "iframe", "object", "embed", "img", "base", "form",
    ] {
        assert!(elements(&doc, tag).is_empty(), "a <{tag}> in the page");
    }
    for n in doc.descendants().filter(|n| n.is_element()) {
        for a in n.attributes() {
            let name = a.name();
            assert!(
                !name.starts_with("on"),
                "event handler {name} on <{}>",
                n.tag_name().name()
            );
            assert!(name != "src" && name != "srcset", "a {name} attribute");
            if name == "href" {
                assert!(
                    a.value().starts_with('#'),
                    "a link out of the page: {}",
                    a.value()
                );
            }
        }
    }
    // Text may mention a URL (a pre-commit hook's repository); nothing may
    // load one. Quotes in text are escaped, so these are attributes.
    for bad in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
        assert!(!html.contains(bad), "`{bad}` in the page");
    }
    let style = elements(&doc, "style");
    assert_eq!(style.len(), 1);
    for bad in ["url(", "@import", "@font-face"] {
        assert!(!text(style[0]).contains(bad), "`{bad}` in the style sheet");
    }
    let csp = elements(&doc, "meta")
        .into_iter()
        .find(|m| m.attribute("http-equiv") == Some("Content-Security-Policy"))
        .and_then(|m| m.attribute("content"))
        .expect("a Content-Security-Policy meta");
    assert_eq!(csp, portfolio_audit::report::html::CSP);
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
}

#[test]
fn the_page_shows_the_score_every_repository_and_every_item() {
    let (html, json) = portfolio_page();
    let doc = parse(html);
    let score = json["portfolio"]["checklist"]["score"].as_u64().unwrap();
    let big = doc
        .descendants()
        .find(|n| has_class(n, "big"))
        .expect("the score ring");
    assert_eq!(text(big), score.to_string());
    let all_text = text(doc.root_element());
    let repos: Vec<&str> = json["repos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(repos.len(), 6);
    let cards: Vec<String> = doc
        .descendants()
        .filter(|n| has_class(n, "repo"))
        .map(|n| text(n.descendants().find(|d| d.has_tag_name("h3")).unwrap()))
        .collect();
    assert_eq!(cards, repos, "one card per repository, in order");
    let items = json["portfolio"]["checklist"]["items"].as_array().unwrap();
    for item in items {
        let id = format!("item-{}", item["id"].as_str().unwrap());
        let row = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(id.as_str()))
            .unwrap_or_else(|| panic!("no checklist row {id}"));
        assert!(text(row).contains(item["title"].as_str().unwrap()));
        let status = item["status"].as_str().unwrap();
        assert!(
            row.descendants()
                .any(|n| has_class(&n, "pill") && has_class(&n, status)),
            "{id} is not shown as {status}"
        );
    }
    for phase in json["portfolio"]["checklist"]["phases"].as_array().unwrap() {
        assert!(all_text.contains(phase["title"].as_str().unwrap()));
    }
    // Every gap's next step is on the page, under "Next steps".
    let next = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("next-steps"))
        .expect("a next-steps section");
    let gaps = items
        .iter()
        .filter(|i| i["status"] == "partial" || i["status"] == "missing");
    for gap in gaps {
        // Code between backticks is shown as code, without the backticks.
        let step = gap["next_step"].as_str().unwrap();
        assert_eq!(step.matches('`').count() % 2, 0, "{step}");
        assert!(text(next).contains(&step.replace('`', "")), "{step}");
    }
    assert!(
        next.descendants()
            .any(|n| n.has_tag_name("code") && text(n) == "pathlib.Path"),
        "`pathlib.Path` in a next step is code"
    );
}

#[test]
fn several_repositories_get_a_matrix_of_each_ones_statuses() {
    let (html, json) = portfolio_page();
    let doc = parse(html);
    let matrix = doc
        .descendants()
        .find(|n| n.has_tag_name("table") && has_class(n, "matrix"))
        .expect("a matrix for six repositories");
    let heads: Vec<String> = matrix
        .descendants()
        .filter(|n| n.has_tag_name("th") && has_class(n, "col") && !has_class(n, "all"))
        .map(text)
        .collect();
    let repos = json["repos"].as_array().unwrap();
    let names: Vec<&str> = repos.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(heads, names);
    // A row per measured item: the portfolio's status, then each repository's own.
    let item = "function-parameters";
    let row = matrix
        .descendants()
        .filter(|n| n.has_tag_name("tr"))
        .find(|tr| {
            tr.descendants()
                .any(|a| a.attribute("href") == Some(&*format!("#item-{item}")))
        })
        .expect("a matrix row for function-parameters");
    let cells: Vec<&str> = row
        .children()
        .filter(|n| has_class(n, "cell"))
        .map(|n| n.attribute("title").unwrap())
        .collect();
    let mut expected = vec!["met"];
    for r in repos {
        let status = r["checklist"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == item)
            .unwrap()["status"]
            .as_str()
            .unwrap();
        expected.push(status);
    }
    assert_eq!(cells, expected);
    assert!(
        expected[1..].iter().any(|s| *s != "met"),
        "the fixture has a repository that does not meet {item} alone: {expected:?}"
    );
}

#[test]
fn one_repository_gets_no_matrix_and_is_the_title() {
    let repo = fixture("flask-blog");
    let (html, json) = page(&[repo.to_str().unwrap()]);
    let doc = parse(&html);
    assert!(!html.contains("class=\"matrix\""));
    let title = text(elements(&doc, "h1")[0]);
    assert_eq!(title, "flask-blog");
    let web_flask = common::competency(&json, "flask-blog", "web.flask");
    let first = &web_flask["evidence"][0];
    let at = format!(
        "flask-blog/{}:{}",
        first["path"].as_str().unwrap(),
        first["line"]
    );
    assert!(
        elements(&doc, "code").iter().any(|c| text(*c) == at),
        "evidence {at} as repo/path:line"
    );
}

#[test]
fn headless_chromium_renders_the_page_without_console_messages() {
    if browser::require().is_none() {
        return;
    }
    let (html, json) = portfolio_page();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cohort.html");
    std::fs::write(&file, html).unwrap();
    let loaded = browser::load(&file);
    assert!(
        loaded.console.is_empty(),
        "console messages: {:#?}",
        loaded.console
    );
    assert_eq!(loaded.title(), "Portfolio audit: 6 repositories");
    for id in [
        "id=\"checklist\"",
        "id=\"matrix\"",
        "id=\"next-steps\"",
        "class=\"areas\"",
    ] {
        assert!(loaded.dom.contains(id), "{id} not rendered");
    }
    let first = json["portfolio"]["checklist"]["items"][0]["title"]
        .as_str()
        .unwrap();
    assert!(loaded.dom.contains(first), "the checklist is in the DOM");
}

#[test]
fn an_output_file_gets_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let repo = fixture("calculator-and-todo");
    let run = cli(&[
        "scan",
        repo.to_str().unwrap(),
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(run.out.is_empty());
    let html = std::fs::read_to_string(&out).unwrap();
    parse(&html);
    assert!(html.contains("calculator-and-todo"));
}

#[test]
fn each_repository_alone_is_what_scanning_it_alone_gives() {
    let (_, json) = portfolio_page();
    let portfolio_score = json["portfolio"]["checklist"]["score"].as_u64().unwrap();
    for r in json["repos"].as_array().unwrap() {
        let name = r["name"].as_str().unwrap();
        let own = &r["checklist"];
        assert!(own["score"].as_u64().unwrap() <= portfolio_score, "{name}");
        let alone = common::scan_json(&[fixture(name).to_str().unwrap()]);
        let checklist = &alone["portfolio"]["checklist"];
        assert_eq!(own["score"], checklist["score"], "{name}");
        let statuses: Vec<(&serde_json::Value, &serde_json::Value)> = checklist["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (&i["id"], &i["status"]))
            .collect();
        let own_statuses: Vec<(&serde_json::Value, &serde_json::Value)> = own["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (&i["id"], &i["status"]))
            .collect();
        assert_eq!(own_statuses, statuses, "{name}");
    }
}

#[test]
fn the_area_chart_counts_the_portfolio_levels() {
    let (html, json) = portfolio_page();
    let areas = json["portfolio"]["areas"].as_array().unwrap();
    let best = json["portfolio"]["competencies"].as_array().unwrap();
    let area_of = |id: &str| {
        json["repos"][0]["competencies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["area"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let total: u64 = areas
        .iter()
        .map(|a| a["competencies"].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, best.len(), "every competency in one area");
    let doc = parse(html);
    let chart = doc
        .descendants()
        .find(|n| n.has_tag_name("svg") && has_class(n, "areas"))
        .expect("the area chart");
    for a in areas {
        let id = a["id"].as_str().unwrap();
        for level in 0..4u64 {
            let n = best
                .iter()
                .filter(|c| c["level"] == level && area_of(c["id"].as_str().unwrap()) == id)
                .count();
            assert_eq!(
                a["at_level"][level as usize].as_u64().unwrap() as usize,
                n,
                "{id} level {level}"
            );
        }
        let title = a["title"].as_str().unwrap();
        assert!(
            chart
                .descendants()
                .any(|n| has_class(&n, "label") && text(n) == title),
            "{title} is a row of the chart"
        );
    }
}
