//! `--color always|never|auto` on the text report. These run the binary, so
//! its standard output is a pipe (not a terminal) whatever runs the tests,
//! and each run gets exactly the colour variables it names.

mod common;

use assert_cmd::Command;

const ESC: &str = "\x1b[";

/// The text report of one fixture, with these arguments and variables.
fn scan(args: &[&str], vars: &[(&str, &str)]) -> String {
    let repo = common::fixture("flask-blog");
    let mut cmd = Command::cargo_bin("portfolio-audit").unwrap();
    // --no-cache: nothing kept in the user's cache folder.
    cmd.arg("scan").arg(&repo).arg("--no-cache").args(args);
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"] {
        cmd.env_remove(var);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn always_colours_statuses_levels_and_headings() {
    let coloured = scan(&["--color", "always"], &[]);
    assert!(coloured.contains(ESC), "no ANSI escapes:\n{coloured}");
    // Gaps marked red or yellow, met items green, headings bold.
    assert!(coloured.contains("\x1b[31m✘"), "missing in red");
    assert!(coloured.contains("\x1b[33m◐"), "partial in yellow");
    assert!(coloured.contains("\x1b[32m✔"), "met in green");
    assert!(
        coloured.contains("\x1b[1mNext steps, in roadmap order"),
        "bold heading"
    );
    // Colour adds nothing but escapes: stripped, it is the plain report.
    let plain = scan(&["--color", "never"], &[]);
    assert!(!plain.contains(ESC));
    assert_eq!(anstream::adapter::strip_str(&coloured).to_string(), plain);
}

#[test]
fn auto_is_plain_when_standard_output_is_not_a_terminal() {
    let out = scan(&[], &[("TERM", "xterm-256color")]);
    assert!(!out.contains(ESC), "coloured into a pipe");
    assert!(out.contains("Checklist `professional`"));
}

#[test]
fn auto_honours_no_color_over_clicolor_force() {
    // CLICOLOR_FORCE asks for colour even into a pipe: auto obeys it...
    let forced = scan(&["--color", "auto"], &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains(ESC), "auto ignored CLICOLOR_FORCE");
    // ...unless NO_COLOR is set, which wins.
    let no_color = scan(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!no_color.contains(ESC), "auto ignored NO_COLOR");
    // An explicit flag wins over both.
    assert!(scan(&["--color", "always"], &[("NO_COLOR", "1")]).contains(ESC));
    assert!(!scan(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]).contains(ESC));
}

#[test]
fn auto_never_colours_a_file_and_other_formats_never_colour() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    scan(&["-o", file.to_str().unwrap()], &[("CLICOLOR_FORCE", "1")]);
    assert!(!std::fs::read_to_string(&file).unwrap().contains(ESC));
    for format in ["json", "markdown", "csv", "html"] {
        let out = scan(&["--format", format, "--color", "always"], &[]);
        assert!(!out.contains(ESC), "{format} has ANSI escapes");
    }
}
