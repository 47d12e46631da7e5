//! Pipenv's `Pipfile` (TOML): `[packages]` and `[dev-packages]` (and other
//! package categories), each `name = "version"` or a table with `version`.

use super::requirement::Requirement;
use super::DEPS_DEV_SEPARATED;
use crate::analyze::facts::ConfigFacts;
use crate::analyze::toml_doc::{as_str, as_table, at, TomlDoc};

pub fn read(text: &str, out: &mut ConfigFacts) {
    let (doc, problem) = TomlDoc::parse(text);
    if let Some(p) = problem {
        out.problem(p);
    }
    for (section, _) in doc.root.iter() {
        let name = section.get_ref();
        // Sections that are not package categories.
        if matches!(name.as_ref(), "source" | "requires" | "scripts" | "pipenv") {
            continue;
        }
        let Some(table) = at(&doc.root, &[name]).and_then(as_table) else {
            continue;
        };
        let mut n = 0;
        for (pkg, value) in table.iter() {
            let Ok(mut r) = Requirement::parse(pkg.get_ref()) else {
                continue;
            };
            let spec = as_str(value)
                .or_else(|| {
                    as_table(value)
                        .and_then(|t| t.get("version"))
                        .and_then(as_str)
                })
                .unwrap_or("")
                .trim();
            r.constrained = !spec.is_empty() && spec != "*";
            r.pinned = spec.starts_with("==");
            r.text = format!("{} = \"{spec}\"", pkg.get_ref());
            r.state(doc.line(pkg), out);
            n += 1;
        }
        if n > 0 && name != "packages" {
            out.fact(
                DEPS_DEV_SEPARATED,
                doc.line(section),
                format!("[{name}] in Pipfile"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_and_dev_packages() {
        let mut out = ConfigFacts::default();
        read(
            "[[source]]\nurl = 'https://pypi.org/simple'\n\n[packages]\nflask = '==3.0.3'\nrequests = '*'\n\n[dev-packages]\npytest = { version = '>=8' }\n\n[requires]\npython_version = '3.12'\n",
            &mut out,
        );
        out.deps.sort_by_key(|d| d.1);
        assert_eq!(
            out.deps,
            vec![
                ("flask".into(), 5),
                ("requests".into(), 6),
                ("pytest".into(), 9)
            ]
        );
        let facts: Vec<(&str, u32)> = out.facts.iter().map(|f| (f.name, f.line)).collect();
        assert!(facts.contains(&("deps.pinned", 5)));
        assert!(facts.contains(&("deps.constrained", 9)));
        assert!(facts.contains(&("deps.dev_separated", 8)));
        assert!(!facts.iter().any(|f| f.1 == 6));
    }
}
