//! `portfolio-audit badge`: a valid SVG with the checklist score, coloured
//! by it, to a file or standard output, with the label escaped.

mod common;

use common::{cli, fixture};

/// A one-phase roadmap whose items need these competencies (each at level 1).
fn roadmap(dir: &std::path::Path, requires: &[&str]) -> String {
    let mut text =
        String::from("name = \"mine\"\ntitle = \"Mine\"\n\n[[phase]]\nid = \"p\"\ntitle = \"P\"\n");
    for (i, id) in requires.iter().enumerate() {
        text.push_str(&format!(
            "\n[[item]]\nid = \"item-{i}\"\nphase = \"p\"\ntitle = \"Item {i}\"\nrequires = [\"{id}\"]\n"
        ));
    }
    let path = dir.join("mine.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

struct Badge {
    texts: Vec<String>,
    fills: Vec<String>,
    width: u32,
}

/// Parses the badge as XML (it must be well-formed SVG) and reads what a viewer shows.
fn parse(svg: &str) -> Badge {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("invalid SVG: {e}\n{svg}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    assert_eq!(root.attribute("height"), Some("20"));
    let width: u32 = root.attribute("width").unwrap().parse().unwrap();
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("aria-hidden").is_none())
        .map(|n| n.text().unwrap_or("").to_string())
        .collect();
    let fills = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter_map(|n| n.attribute("fill").map(str::to_string))
        .collect();
    Badge {
        texts,
        fills,
        width,
    }
}

#[test]
fn the_badge_shows_the_scan_score_on_standard_output() {
    let repo = fixture("calculator-and-todo");
    let json = common::scan_json(&[repo.to_str().unwrap()]);
    let score = json["portfolio"]["checklist"]["score"].as_u64().unwrap();
    let run = cli(&["badge", repo.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.err);
    let badge = parse(&run.out);
    assert_eq!(
        badge.texts,
        vec!["portfolio".to_string(), format!("{score}%")]
    );
    assert!(score < 50, "the fixture scores {score}");
    assert!(
        badge.fills.contains(&"#e05d44".to_string()),
        "red below 50: {:?}",
        badge.fills
    );
    assert!((60..140).contains(&badge.width), "width {}", badge.width);
}

#[test]
fn the_colour_steps_at_50_and_75() {
    let dir = tempfile::tempdir().unwrap();
    let repo = fixture("calculator-and-todo");
    // calculator-and-todo has functions, and no FastAPI.
    for (requires, value, colour) in [
        (&["py.functions"][..], "100%", "#4c1"),
        (&["py.functions", "web.fastapi"][..], "50%", "#dfb317"),
        (&["web.fastapi"][..], "0%", "#e05d44"),
    ] {
        let roadmap = roadmap(dir.path(), requires);
        let run = cli(&["badge", repo.to_str().unwrap(), "--roadmap", &roadmap]);
        assert_eq!(run.code, 0, "{}", run.err);
        let badge = parse(&run.out);
        assert_eq!(badge.texts[1], value, "{requires:?}");
        assert!(
            badge.fills.contains(&colour.to_string()),
            "{requires:?}: {:?}",
            badge.fills
        );
    }
}

#[test]
fn output_writes_a_file_and_the_label_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("badge.svg");
    let label = "<script>alert(1)</script> & \"quotes\"";
    let repo = fixture("flask-blog");
    let run = cli(&[
        "badge",
        repo.to_str().unwrap(),
        "--label",
        label,
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.err);
    assert!(run.out.is_empty(), "nothing on standard output");
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(!svg.contains("<script"), "{svg}");
    let badge = parse(&svg);
    assert_eq!(badge.texts[0], label);
    let short = parse(&cli(&["badge", repo.to_str().unwrap()]).out);
    assert!(
        badge.width > short.width,
        "a longer label makes a wider badge"
    );
}

#[test]
fn badge_takes_the_scan_inputs_and_their_errors() {
    let run = cli(&["badge", "/no/such/repo"]);
    assert_eq!(run.code, 2);
    assert!(run.err.contains("/no/such/repo"), "{}", run.err);
    let run = cli(&["badge", ".", "--roadmap", "no-such-roadmap"]);
    assert_eq!(run.code, 2);
    let help = cli(&["badge", "--help"]);
    for flag in [
        "--rev",
        "--roadmap",
        "--rules",
        "--config",
        "--output",
        "Example",
    ] {
        assert!(help.out.contains(flag), "badge --help lacks {flag}");
    }
}
