//! The README's table of commands and flags is the clap definitions', so
//! it cannot drift from what `--help` says: this test renders the table
//! from them and compares it with the README's (`UPDATE_README=1 cargo test
//! --test readme` rewrites it).

use clap::CommandFactory;
use portfolio_audit::cli::Cli;

const BEGIN: &str = "<!-- commands: generated from the clap definitions; UPDATE_README=1 cargo test --test readme rewrites it -->";
const END: &str = "<!-- /commands -->";

/// A flag as the table writes it: `-o/--output FILE`.
fn flag(a: &clap::Arg) -> Option<String> {
    let long = a.get_long()?;
    let mut s = match a.get_short() {
        Some(c) => format!("-{c}/--{long}"),
        None => format!("--{long}"),
    };
    let takes_value = a.get_action().takes_values();
    if takes_value {
        if let Some(names) = a.get_value_names() {
            s.push(' ');
            s.push_str(
                &names
                    .iter()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
    }
    // A `|` in a table cell ends the cell, even in code.
    Some(format!("`{}`", s.replace('|', "\\|")))
}

fn rows(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        let name = format!("{prefix}{}", sub.get_name());
        if sub.has_subcommands() {
            rows(sub, &format!("{name} "), out);
            continue;
        }
        let about = sub
            .get_about()
            .map(|a| a.to_string().replace('\n', " "))
            .unwrap_or_default();
        let flags: Vec<String> = sub
            .get_arguments()
            .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
            .filter_map(flag)
            .collect();
        out.push(format!(
            "| `{name}` | {} | {} |",
            about.replace('|', "\\|"),
            flags.join(" ")
        ));
    }
}

fn table() -> String {
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = vec![
        "| command | what it does | flags |".to_string(),
        "|---|---|---|".to_string(),
    ];
    rows(&cmd, "", &mut out);
    out.join("\n")
}

#[test]
fn the_readme_lists_every_command_and_flag_as_clap_defines_them() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let generated = format!("{BEGIN}\n{}\n{END}", table());
    let (Some(start), Some(end)) = (readme.find(BEGIN), readme.find(END)) else {
        panic!("README.md has no {BEGIN} ... {END} section");
    };
    let current = &readme[start..end + END.len()];
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = readme.replacen(current, &generated, 1);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert!(
        current == generated,
        "README.md's command table is out of date with the clap definitions; run \
         `UPDATE_README=1 cargo test --test readme`. Expected:\n{generated}"
    );
}

/// Every command that prints takes the same output flags.
#[test]
fn every_printing_command_has_the_output_flags() {
    let table = table();
    for row in table.lines().skip(2) {
        for f in ["`-o/--output FILE`", "`--color WHEN`", "`-q/--quiet`"] {
            assert!(row.contains(f), "{row} lacks {f}");
        }
    }
}
