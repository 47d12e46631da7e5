//! Embeds the data of `rules/` into the binary: the rules (`rules/*.toml`),
//! findings, flags, checklists (`roadmaps/`), known project templates and
//! tool tables users get by default.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, sub, file) in [
        ("RULES", "rules", "embedded_rules.rs"),
        ("FINDINGS", "rules/findings", "embedded_findings.rs"),
        ("FLAGS", "rules/flags", "embedded_flags.rs"),
        ("ROADMAPS", "rules/roadmaps", "embedded_roadmaps.rs"),
        ("TEMPLATES", "rules/templates", "embedded_templates.rs"),
        ("TOOLS", "rules/tools", "embedded_tools.rs"),
    ] {
        let mut out = String::new();
        let dir = root.join(sub);
        println!("cargo:rerun-if-changed={sub}");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        writeln!(out, "pub static {name}: &[(&str, &str)] = &[").unwrap();
        for f in files {
            let file_name = f.file_name().unwrap().to_string_lossy().into_owned();
            writeln!(
                out,
                "    ({file_name:?}, include_str!({:?})),",
                f.display().to_string()
            )
            .unwrap();
        }
        writeln!(out, "];").unwrap();
        let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join(file);
        std::fs::write(dest, out).unwrap();
    }
}
