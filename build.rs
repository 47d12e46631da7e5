//! Embeds the data of `rules/` into the binary: the rules (`rules/*.toml`),
//! findings, flags, checklists (`roadmaps/`), known project templates and
//! tool tables users get by default. Also names the build by its sources
//! (`PORTFOLIO_AUDIT_BUILD`), so the persistent cache never serves what
//! another build of the same version computed.

use std::fmt::Write as _;
use std::hash::Hasher as _;
use std::path::{Path, PathBuf};

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
    build_id(root);
}

/// A digest of everything the binary is built from (code, templates, data,
/// the locked dependencies), as `PORTFOLIO_AUDIT_BUILD`.
fn build_id(root: &Path) {
    let mut files = Vec::new();
    for sub in ["src", "rules"] {
        println!("cargo:rerun-if-changed={sub}");
        walk(&root.join(sub), &mut files);
    }
    for top in ["build.rs", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={top}");
        files.push(root.join(top));
    }
    files.sort();
    let mut hash = std::hash::DefaultHasher::new();
    for f in files {
        let rel = f.strip_prefix(root).unwrap_or(&f);
        let bytes = std::fs::read(&f).unwrap_or_default();
        hash.write(rel.to_string_lossy().as_bytes());
        hash.write_usize(bytes.len());
        hash.write(&bytes);
    }
    println!(
        "cargo:rustc-env=PORTFOLIO_AUDIT_BUILD={:016x}",
        hash.finish()
    );
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}
