//! Names that cross modules of one repository: `from .extensions import db`
//! then `class Post(db.Model)` resolves to `flask_sqlalchemy.SQLAlchemy().Model`,
//! and a class deriving from a user class inherits that class's bases.

use super::facts::{role, Export, Feature, Ref};
use super::python::head_of;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashSet;
use std::ops::Range;

/// Every module-level name of the repository, by full dotted name.
#[derive(Debug, Default)]
pub struct Exports {
    table: FxHashMap<String, Export>,
}

/// Where one name's resolution sits in the shared result vectors: its
/// references and its features.
type Resolved = (Range<usize>, Range<usize>);

/// Alias chains and inheritance are followed this deep at most.
const MAX_DEPTH: u32 = 8;

impl Exports {
    /// Adds a module's exports under each name the module may be imported by
    /// (the first module to claim a name keeps it).
    pub fn add(&mut self, module_names: &[String], exports: &[(String, Export)]) {
        for m in module_names {
            for (name, export) in exports {
                self.table
                    .entry(format!("{m}.{name}"))
                    .or_insert_with(|| export.clone());
            }
        }
    }

    /// Resolves deferred references into references to outside names, and
    /// features (a class deriving from a user class).
    pub fn resolve(
        &self,
        deferred: &[Ref],
        local_heads: &HashSet<String>,
    ) -> (Vec<Ref>, Vec<(Feature, u32, String)>) {
        let mut refs = Vec::new();
        let mut features = Vec::new();
        // A module repeats its names: each (name, roles) is resolved once,
        // with no line, and its results are copied out at each use's line.
        let mut memo: FxHashMap<(&str, u8), Resolved> = FxHashMap::default();
        let mut done_refs: Vec<Ref> = Vec::new();
        let mut done_features: Vec<(Feature, u32, String)> = Vec::new();
        let mut visited = FxHashSet::default();
        for r in deferred {
            let (rr, fr) = memo
                .entry((r.qname.as_str(), r.roles))
                .or_insert_with(|| {
                    let (r0, f0) = (done_refs.len(), done_features.len());
                    visited.clear();
                    self.resolve_one(
                        r.qname.clone(),
                        r.roles,
                        0,
                        0,
                        local_heads,
                        &mut visited,
                        &mut done_refs,
                        &mut done_features,
                    );
                    (r0..done_refs.len(), f0..done_features.len())
                })
                .clone();
            refs.extend(done_refs[rr].iter().map(|x| Ref {
                qname: x.qname.clone(),
                roles: x.roles,
                line: r.line,
                keywords: r.keywords.clone(),
            }));
            features.extend(
                done_features[fr]
                    .iter()
                    .map(|(f, _, d)| (*f, r.line, d.clone())),
            );
        }
        (refs, features)
    }

    #[allow(clippy::too_many_arguments)] // one recursive walk; a struct for its state would only rename these
    fn resolve_one(
        &self,
        qname: String,
        roles: u8,
        line: u32,
        depth: u32,
        local_heads: &HashSet<String>,
        visited: &mut FxHashSet<String>,
        refs: &mut Vec<Ref>,
        features: &mut Vec<(Feature, u32, String)>,
    ) {
        if depth > MAX_DEPTH || !visited.insert(qname.clone()) {
            return;
        }
        if !local_heads.contains(head_of(&qname)) {
            refs.push(Ref {
                qname,
                roles,
                line,
                keywords: None,
            });
            return;
        }
        let Some((prefix, export)) = self.longest_prefix(&qname) else {
            return;
        };
        let rest = &qname[prefix.len()..];
        match export {
            Export::Alias(target) => {
                let next = format!("{target}{rest}");
                self.resolve_one(
                    next,
                    roles,
                    line,
                    depth + 1,
                    local_heads,
                    visited,
                    refs,
                    features,
                );
            }
            Export::Class(bases) if rest.is_empty() && roles & role::BASE != 0 => {
                features.push((Feature::InheritsUserClass, line, prefix.to_string()));
                for b in bases {
                    self.resolve_one(
                        b.clone(),
                        role::BASE,
                        line,
                        depth + 1,
                        local_heads,
                        visited,
                        refs,
                        features,
                    );
                }
            }
            Export::Class(_) if rest.is_empty() => {}
            Export::Class(bases) => {
                // `self.client.get` in a `TestCase` subclass, `Product.objects`
                // on a `Model`: what the class does not define comes from its bases.
                for b in bases {
                    let next = format!("{b}{rest}");
                    self.resolve_one(
                        next,
                        roles,
                        line,
                        depth + 1,
                        local_heads,
                        visited,
                        refs,
                        features,
                    );
                }
            }
        }
    }

    fn longest_prefix<'q>(&self, qname: &'q str) -> Option<(&'q str, &Export)> {
        if let Some(e) = self.table.get(qname) {
            return Some((qname, e));
        }
        qname
            .rmatch_indices(['.', '('])
            .find_map(|(i, _)| self.table.get(&qname[..i]).map(|e| (&qname[..i], e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads(h: &[&str]) -> HashSet<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn aliases_cross_modules() {
        let mut ex = Exports::default();
        ex.add(
            &["blog.extensions".into()],
            &[(
                "db".into(),
                Export::Alias("flask_sqlalchemy.SQLAlchemy()".into()),
            )],
        );
        let deferred = vec![Ref {
            qname: "blog.extensions.db.Model".into(),
            roles: role::BASE,
            line: 3,
            keywords: None,
        }];
        let (refs, _) = ex.resolve(&deferred, &heads(&["blog"]));
        assert_eq!(refs[0].qname, "flask_sqlalchemy.SQLAlchemy().Model");
    }

    #[test]
    fn user_base_classes_pass_on_their_bases() {
        let mut ex = Exports::default();
        ex.add(
            &["app.db".into()],
            &[(
                "Base".into(),
                Export::Class(vec!["sqlalchemy.orm.DeclarativeBase".into()]),
            )],
        );
        let deferred = vec![Ref {
            qname: "app.db.Base".into(),
            roles: role::BASE,
            line: 7,
            keywords: None,
        }];
        let (refs, features) = ex.resolve(&deferred, &heads(&["app"]));
        assert_eq!(refs[0].qname, "sqlalchemy.orm.DeclarativeBase");
        assert_eq!(features[0].0, Feature::InheritsUserClass);
    }

    #[test]
    fn instance_attributes_resolve_through_bases() {
        let mut ex = Exports::default();
        ex.add(
            &["tests.test_views".into()],
            &[(
                "ViewTests".into(),
                Export::Class(vec!["django.test.TestCase".into()]),
            )],
        );
        let deferred = vec![Ref {
            qname: "tests.test_views.ViewTests().client.get".into(),
            roles: role::CALL,
            line: 9,
            keywords: None,
        }];
        let (refs, features) = ex.resolve(&deferred, &heads(&["tests"]));
        assert_eq!(refs[0].qname, "django.test.TestCase().client.get");
        assert!(features.is_empty());
    }

    #[test]
    fn cycles_end() {
        let mut ex = Exports::default();
        ex.add(
            &["a".into()],
            &[
                ("x".into(), Export::Alias("a.y".into())),
                ("y".into(), Export::Alias("a.x".into())),
            ],
        );
        let deferred = vec![Ref {
            qname: "a.x".into(),
            roles: role::USE,
            line: 1,
            keywords: None,
        }];
        let (refs, _) = ex.resolve(&deferred, &heads(&["a"]));
        assert!(refs.is_empty());
    }
}
