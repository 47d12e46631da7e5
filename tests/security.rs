//! Issue #5, "Security": text from a scanned repository (file names, the
//! repository's name, commit messages, the author) and from a custom rule
//! (its title, area and advice) is written by strangers. In the HTML and
//! Markdown reports it must stay text: no element, no event handler, no
//! link, no @mention, and in a browser no script runs.

mod common;

use common::{browser, cli, Commit};
use roxmltree::Document;
use std::path::{Path, PathBuf};

/// Sets the page title if it runs; the report's own title never says this.
const SCRIPT: &str = "<script>document.title='pwned'</script>";
const IMG: &str = "<img src=x onerror=document.title='pwned'>";
const LINK: &str = "](javascript:alert(1))";
const MENTION: &str = "@octocat";

fn all_payloads() -> String {
    format!("{SCRIPT} {IMG} {LINK} {MENTION}")
}

/// A git repository whose name, file names, commit message and author carry
/// the payloads, and whose files give evidence (re.compile) and a finding
/// (a hardcoded password), so their paths reach the report.
fn hostile_repo(root: &Path) -> PathBuf {
    let repo = root.join(format!("evil{IMG}"));
    std::fs::create_dir(&repo).unwrap();
    let code = b"import re\nPAT = re.compile('x')\npassword = 'hunter22'\n".to_vec();
    // A file name cannot hold `/`: the script payload spans a folder and a file.
    let names = [
        format!("{SCRIPT}.py"),
        format!("{IMG}.py"),
        format!("{LINK}.py"),
        format!("{MENTION}.py"),
    ];
    let message = format!("Add files {}", all_payloads());
    // git refuses `<` and `>` in a signature; the rest goes in.
    let author = format!("\" onmouseover=alert(1) x=\" {LINK} {MENTION}");
    common::git_repo(
        &repo,
        &[Commit {
            files: names.iter().map(|n| (n.as_str(), code.clone())).collect(),
            message: &message,
            author: (&author, "evil@example.com"),
            day: 0,
        }],
    );
    repo
}

/// Custom rules: one replaces a built-in rule the repository lacks (so its
/// advice is a next step), one is new and matches (so its title and area show).
fn hostile_rules(root: &Path) -> PathBuf {
    let dir = root.join("rules");
    std::fs::create_dir(&dir).unwrap();
    let toml_str = |s: &str| toml::Value::String(s.to_string()).to_string();
    let payloads = all_payloads();
    std::fs::write(
        dir.join("oop.abstract_protocols.toml"),
        format!(
            "id = \"oop.abstract_protocols\"\ntitle = \"Abstract classes\"\narea = \"oop\"\n\
             why = {why}\nadvice = {advice}\n\n[[signal]]\nname = \"abc\"\nbases = [\"abc.ABC\"]\n",
            why = toml_str(&payloads),
            advice = toml_str(&format!("Define an ABC. {payloads}")),
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("evil.rule.toml"),
        format!(
            "id = \"evil.rule\"\ntitle = {title}\narea = {area}\nwhy = {why}\nadvice = {why}\n\n\
             [[signal]]\nname = \"re\"\ncalls = [\"re.compile\"]\n",
            title = toml_str(&format!("Evil {SCRIPT} {MENTION}")),
            area = toml_str(&format!("area {IMG}")),
            why = toml_str(&payloads),
        ),
    )
    .unwrap();
    dir
}

fn scan(repo: &Path, rules: &Path, format: &str) -> String {
    let run = cli(&[
        "scan",
        repo.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        format,
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    run.out
}

/// The payloads do reach the report (as JSON shows them), so the escaping
/// below is tested on text that is really there.
#[test]
fn the_payloads_reach_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, rules) = (hostile_repo(dir.path()), hostile_rules(dir.path()));
    let json: serde_json::Value = serde_json::from_str(&scan(&repo, &rules, "json")).unwrap();
    let r = &json["repos"][0];
    assert_eq!(r["name"], format!("evil{IMG}"));
    let paths: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    for name in [SCRIPT, IMG, LINK, MENTION] {
        assert!(
            paths.contains(&format!("{name}.py").as_str()),
            "{name} not among the findings' paths: {paths:?}"
        );
    }
    let evil = common::competency(&json, &format!("evil{IMG}"), "evil.rule");
    assert!(evil["level"].as_u64().unwrap() >= 1);
    assert!(evil["title"].as_str().unwrap().contains(SCRIPT));
    let items = json["portfolio"]["checklist"]["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["next_step"].as_str().unwrap().contains(SCRIPT)),
        "the custom advice is a next step"
    );
}

#[test]
fn html_keeps_every_payload_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, rules) = (hostile_repo(dir.path()), hostile_rules(dir.path()));
    let html = scan(&repo, &rules, "html");
    let doc = Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("not well-formed: {e}"));
    for n in doc.descendants().filter(|n| n.is_element()) {
        let tag = n.tag_name().name();
        assert!(tag != "script" && tag != "img", "a <{tag}> element");
        for a in n.attributes() {
            assert!(!a.name().starts_with("on"), "{} on <{tag}>", a.name());
            if a.name() == "href" {
                assert!(a.value().starts_with('#'), "href {}", a.value());
            }
        }
    }
    // The words stay (they are text); the tags they need are gone.
    for raw in ["<script", "<img"] {
        assert!(!html.contains(raw), "raw `{raw}` in the page");
    }
    // Still there as text, in the repository's name, paths, the rule's title, area and advice.
    let text: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    assert!(text.contains(&format!("evil{IMG}")));
    let sha = git2::Repository::open(&repo)
        .unwrap()
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .id()
        .to_string();
    assert!(text.contains(&format!("evil{IMG}@{}:{SCRIPT}.py:3", &sha[..7])));
    assert!(text.contains(&format!("Evil {SCRIPT} {MENTION}")));
    assert!(text.contains(&format!("area {IMG}")));
    assert!(text.contains(&format!("Define an ABC. {}", all_payloads())));
}

#[test]
fn no_payload_runs_in_a_browser() {
    if browser::require().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (repo, rules) = (hostile_repo(dir.path()), hostile_rules(dir.path()));
    let html = scan(&repo, &rules, "html");
    let expected_title = format!("Portfolio audit: evil{IMG}");
    // As written, and without its Content-Security-Policy: the CSP would stop
    // an injected script by itself, and this checks the escaping alone.
    let csp = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\" />",
        portfolio_audit::report::html::CSP.replace('\'', "&#39;")
    );
    assert!(
        html.contains(&csp),
        "the CSP meta is where this test expects it"
    );
    for (name, page) in [
        ("as-written.html", html.clone()),
        ("no-csp.html", html.replace(&csp, "")),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, page).unwrap();
        let loaded = browser::load(&file);
        let title = loaded
            .title()
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        assert_eq!(title, expected_title, "{name}: a payload ran");
        assert!(
            loaded.console.is_empty(),
            "{name}: console messages (a blocked script, a broken image?): {:#?}",
            loaded.console
        );
    }
}

#[test]
fn markdown_neutralises_every_payload() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, rules) = (hostile_repo(dir.path()), hostile_rules(dir.path()));
    let md = scan(&repo, &rules, "markdown");
    for raw in ["<script", "<img", "](javascript:", MENTION] {
        assert!(!md.contains(raw), "raw `{raw}` in the Markdown:\n{md}");
    }
    // The text is there, escaped: the findings' paths and the custom advice.
    assert!(md.contains("octocat"));
    assert!(md.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
    assert!(md.contains("Define an ABC."));
    // Every line that mentions the payload's link keeps `]` and `(` escaped.
    for line in md.lines().filter(|l| l.contains("javascript:")) {
        assert!(line.contains("\\]\\(javascript:"), "{line}");
    }
}

/// The hostile repository with an origin on GitHub: every place in it is a
/// permalink whose path carries the payloads.
fn hostile_repo_with_origin(root: &Path) -> (PathBuf, String) {
    let repo = hostile_repo(root);
    let git = git2::Repository::open(&repo).unwrap();
    git.remote("origin", "https://github.com/ada/evil.git")
        .unwrap();
    let sha = git
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .id()
        .to_string();
    (repo, format!("https://github.com/ada/evil/blob/{sha}/"))
}

/// Every link of a page: its href, and its text.
fn links(doc: &Document) -> Vec<(String, String)> {
    doc.descendants()
        .filter(|n| n.has_tag_name("a"))
        .map(|n| {
            let text: String = n
                .descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect();
            (n.attribute("href").unwrap_or("").to_string(), text)
        })
        .collect()
}

/// A link to a line of the repository: at the commit, and nothing in its
/// path that could end the attribute or the link.
fn assert_permalink(href: &str, prefix: &str) {
    assert!(href.starts_with(prefix), "{href}");
    for c in ['<', '>', '"', '\'', ' ', '(', ')', '`'] {
        assert!(!href.contains(c), "`{c}` in {href}");
    }
}

#[test]
fn html_and_markdown_links_are_permalinks_that_stay_links() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, prefix) = hostile_repo_with_origin(dir.path());
    let rules = hostile_rules(dir.path());
    let html = scan(&repo, &rules, "html");
    let doc = Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap();
    let outside: Vec<(String, String)> = links(&doc)
        .into_iter()
        .filter(|(href, _)| !href.starts_with('#'))
        .collect();
    assert!(!outside.is_empty(), "no permalink in the page");
    for (href, text) in &outside {
        assert_permalink(href, &prefix);
        assert!(text.starts_with(&format!("evil{IMG}@")), "{text}");
    }
    // The finding in the file named after the script payload links its line 3.
    assert!(outside.iter().any(|(href, text)| href.ends_with("#L3")
        && text
            == &format!(
                "evil{IMG}@{}:{SCRIPT}.py:3",
                &prefix[prefix.len() - 41..prefix.len() - 34]
            )));
    for n in doc.descendants().filter(|n| n.is_element()) {
        assert!(!matches!(n.tag_name().name(), "script" | "img"));
    }

    // The Markdown, rendered as GitHub renders it (CommonMark + tables).
    let md = scan(&repo, &rules, "markdown");
    let mut opts = pulldown_cmark::Options::empty();
    opts.insert(pulldown_cmark::Options::ENABLE_TABLES);
    let mut rendered = String::new();
    pulldown_cmark::html::push_html(&mut rendered, pulldown_cmark::Parser::new_ext(&md, opts));
    let page = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"/><title>markdown</title></head><body>{rendered}</body></html>"
    );
    // XML wants void elements closed; the HTML renderer writes them open.
    let xml = page.replace("<br>", "<br/>").replace("<hr>", "<hr/>");
    let md_doc = Document::parse_with_options(
        &xml,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    );
    let md_links: Vec<(String, String)> = match &md_doc {
        Ok(doc) => {
            for n in doc.descendants().filter(|n| n.is_element()) {
                assert!(
                    !matches!(n.tag_name().name(), "script" | "img"),
                    "a <{}> from the Markdown",
                    n.tag_name().name()
                );
            }
            links(doc)
        }
        Err(e) => panic!("the rendered Markdown is not well-formed: {e}\n{rendered}"),
    };
    let md_permalinks: Vec<&(String, String)> = md_links
        .iter()
        .filter(|(h, _)| h.starts_with("https:"))
        .collect();
    assert!(!md_permalinks.is_empty(), "no link in the Markdown:\n{md}");
    // The link payload in a file name is a link's text, never its target.
    for (href, _) in &md_links {
        assert_permalink(href, &prefix);
    }
    if browser::require().is_none() {
        return;
    }
    let file = dir.path().join("markdown.html");
    std::fs::write(&file, &page).unwrap();
    let loaded = browser::load(&file);
    assert_eq!(loaded.title(), "markdown", "a payload ran");
    assert!(loaded.console.is_empty(), "{:#?}", loaded.console);
    // Clickable: the links are anchors with their href in the page as loaded.
    assert!(
        loaded.dom.contains(&format!("href=\"{prefix}")),
        "{}",
        loaded.dom
    );
}
