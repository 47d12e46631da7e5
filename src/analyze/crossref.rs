//! Names that cross modules of one repository: `from .extensions import db`
//! then `class Post(db.Model)` resolves to `flask_sqlalchemy.SQLAlchemy().Model`,
//! and a class deriving from a user class inherits that class's bases.

use super::facts::{role, Export, Feature, Ref};
use super::python::head_of;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

/// A module's references to names of other modules of the repository,
/// waiting for every module's exports: each distinct name (with its roles
/// and keyword arguments) once, and each use as that name's index and a
/// line. A test module names `support.foo` hundreds of times; kept as
/// references, those were most of what a repository held until its
/// cross-module pass.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deferred {
    /// Line 0: the line is each use's.
    names: Vec<Ref>,
    /// In the order the module made them.
    uses: Vec<(u32, u32)>,
}

impl Deferred {
    pub fn new(refs: Vec<Ref>) -> Deferred {
        let mut ids: FxHashMap<Ref, u32> = FxHashMap::default();
        let mut uses = Vec::with_capacity(refs.len());
        for mut r in refs {
            let line = std::mem::take(&mut r.line);
            let next = ids.len() as u32;
            uses.push((*ids.entry(r).or_insert(next), line));
        }
        let mut names: Vec<(u32, Ref)> = ids.into_iter().map(|(r, id)| (id, r)).collect();
        names.sort_unstable_by_key(|(id, _)| *id);
        Deferred {
            names: names.into_iter().map(|(_, r)| r).collect(),
            uses,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.uses.is_empty()
    }
}

/// Every module-level name of the repository: each module's exports (by
/// name, sorted) under each name the module may be imported by, borrowed
/// from the modules' analyses rather than copied under every dotted name.
/// Sorted by module name (stably, so the modules claiming one name stay in
/// the order they came), with where each name's run starts: a few words a
/// module name, where a map of vectors cost a few hundred bytes a module.
#[derive(Debug)]
pub struct Exports<'a> {
    modules: Vec<(&'a str, &'a [(String, Export)])>,
    starts: FxHashMap<&'a str, usize>,
}

/// Alias chains and inheritance are followed this deep at most.
const MAX_DEPTH: u32 = 8;

impl<'a> Exports<'a> {
    /// Each module's exports (sorted by name) under each name the module
    /// may be imported by, in the repository's order: the first module to
    /// claim a name keeps it.
    pub fn new(
        modules: impl IntoIterator<Item = (&'a [String], &'a [(String, Export)])>,
    ) -> Exports<'a> {
        let mut table: Vec<(&str, &[(String, Export)])> = modules
            .into_iter()
            .filter(|(_, exports)| !exports.is_empty())
            .flat_map(|(names, exports)| names.iter().map(move |m| (m.as_str(), exports)))
            .collect();
        table.sort_by_key(|(m, _)| *m);
        let mut starts = FxHashMap::default();
        for (i, (m, _)) in table.iter().enumerate() {
            starts.entry(*m).or_insert(i);
        }
        Exports {
            modules: table,
            starts,
        }
    }

    /// A digest of everything resolution depends on besides the references:
    /// every module's exports under its names, and which module heads are
    /// the repository's own. Equal digests resolve every reference alike.
    pub fn digest(&self, local_heads: &HashSet<String>) -> u64 {
        let mut h = rustc_hash::FxHasher::default();
        self.modules.hash(&mut h);
        let mut heads: Vec<&String> = local_heads.iter().collect();
        heads.sort_unstable();
        heads.hash(&mut h);
        h.finish()
    }

    /// The export `module.name` stands for: of the modules claiming that
    /// dotted module name, the first that binds `name`.
    fn get(&self, dotted: &str) -> Option<&'a Export> {
        let (module, name) = dotted.rsplit_once('.')?;
        let first = *self.starts.get(module)?;
        self.modules[first..]
            .iter()
            .take_while(|(m, _)| *m == module)
            .find_map(|(_, exports)| {
                let i = exports
                    .binary_search_by(|(n, _)| n.as_str().cmp(name))
                    .ok()?;
                Some(&exports[i].1)
            })
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

    fn longest_prefix<'q>(&self, qname: &'q str) -> Option<(&'q str, &'a Export)> {
        if let Some(e) = self.get(qname) {
            return Some((qname, e));
        }
        qname
            .rmatch_indices(['.', '('])
            .find_map(|(i, _)| self.get(&qname[..i]).map(|e| (&qname[..i], e)))
    }
}

/// What each distinct (name, roles) that modules defer resolves to (outside
/// names, and features such as a class deriving from a user class), with
/// no line: resolved once for the repository, as a name such as
/// `django.db.models.Model` is deferred by hundreds of its modules.
pub struct Resolutions<'n> {
    by_name: FxHashMap<(&'n str, u8), Resolution>,
}

/// References to outside names, and features with their detail.
type Resolution = (Vec<Ref>, Vec<(Feature, String)>);

impl<'n> Resolutions<'n> {
    pub fn new(
        exports: &Exports,
        modules: impl IntoIterator<Item = &'n Deferred>,
        local_heads: &HashSet<String>,
    ) -> Resolutions<'n> {
        let mut by_name: FxHashMap<(&str, u8), Resolution> = FxHashMap::default();
        let mut visited = FxHashSet::default();
        let mut features = Vec::new();
        for r in modules.into_iter().flat_map(|d| &d.names) {
            by_name.entry((&r.qname, r.roles)).or_insert_with(|| {
                let mut refs = Vec::new();
                visited.clear();
                features.clear();
                exports.resolve_one(
                    r.qname.clone(),
                    r.roles,
                    0,
                    0,
                    local_heads,
                    &mut visited,
                    &mut refs,
                    &mut features,
                );
                let features = features.drain(..).map(|(f, _, d)| (f, d)).collect();
                (refs, features)
            });
        }
        Resolutions { by_name }
    }

    /// One module's deferred references resolved: each use at its line, in
    /// the order the module made them, with its keyword arguments.
    pub fn apply(&self, deferred: &Deferred) -> (Vec<Ref>, Vec<(Feature, u32, String)>) {
        let mut refs = Vec::new();
        let mut features = Vec::new();
        let resolved: Vec<Option<&Resolution>> = deferred
            .names
            .iter()
            .map(|r| self.by_name.get(&(r.qname.as_str(), r.roles)))
            .collect();
        for &(id, line) in &deferred.uses {
            let Some((to, made)) = resolved[id as usize] else {
                continue;
            };
            let keywords = &deferred.names[id as usize].keywords;
            refs.extend(to.iter().map(|x| Ref {
                qname: x.qname.clone(),
                roles: x.roles,
                line,
                keywords: keywords.clone(),
            }));
            features.extend(made.iter().map(|(f, d)| (*f, line, d.clone())));
        }
        (refs, features)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads(h: &[&str]) -> HashSet<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    /// A module: the names it is imported by, and its exports.
    type Module = (Vec<String>, Vec<(String, Export)>);

    /// Resolves one reference among `modules` (names, exports).
    fn resolve(
        modules: &[Module],
        deferred: Vec<Ref>,
        local: &[&str],
    ) -> (Vec<Ref>, Vec<(Feature, u32, String)>) {
        let ex = Exports::new(modules.iter().map(|(n, e)| (n.as_slice(), e.as_slice())));
        let deferred = Deferred::new(deferred);
        Resolutions::new(&ex, [&deferred], &heads(local)).apply(&deferred)
    }

    fn module(name: &str, exports: &[(&str, Export)]) -> Module {
        let exports = exports
            .iter()
            .map(|(n, e)| (n.to_string(), e.clone()))
            .collect();
        (vec![name.to_string()], exports)
    }

    fn reference(qname: &str, roles: u8, line: u32) -> Ref {
        Ref {
            qname: qname.into(),
            roles,
            line,
            keywords: None,
        }
    }

    #[test]
    fn aliases_cross_modules() {
        let db = Export::Alias("flask_sqlalchemy.SQLAlchemy()".into());
        let (refs, _) = resolve(
            &[module("blog.extensions", &[("db", db)])],
            vec![reference("blog.extensions.db.Model", role::BASE, 3)],
            &["blog"],
        );
        assert_eq!(refs[0].qname, "flask_sqlalchemy.SQLAlchemy().Model");
    }

    #[test]
    fn user_base_classes_pass_on_their_bases() {
        let base = Export::Class(vec!["sqlalchemy.orm.DeclarativeBase".into()]);
        let (refs, features) = resolve(
            &[module("app.db", &[("Base", base)])],
            vec![reference("app.db.Base", role::BASE, 7)],
            &["app"],
        );
        assert_eq!(refs[0].qname, "sqlalchemy.orm.DeclarativeBase");
        assert_eq!(features[0].0, Feature::InheritsUserClass);
    }

    #[test]
    fn instance_attributes_resolve_through_bases() {
        let tests = Export::Class(vec!["django.test.TestCase".into()]);
        let (refs, features) = resolve(
            &[module("tests.test_views", &[("ViewTests", tests)])],
            vec![reference(
                "tests.test_views.ViewTests().client.get",
                role::CALL,
                9,
            )],
            &["tests"],
        );
        assert_eq!(refs[0].qname, "django.test.TestCase().client.get");
        assert!(features.is_empty());
    }

    #[test]
    fn cycles_end() {
        let (refs, _) = resolve(
            &[module(
                "a",
                &[
                    ("x", Export::Alias("a.y".into())),
                    ("y", Export::Alias("a.x".into())),
                ],
            )],
            vec![reference("a.x", role::USE, 1)],
            &["a"],
        );
        assert!(refs.is_empty());
    }

    /// Two files may be imported by one dotted name (`pkg/db.py` as `db`
    /// from `src/` and a top-level `db.py`): the first to bind a name
    /// keeps it, and the other's names are still found.
    #[test]
    fn the_first_module_to_bind_a_name_keeps_it() {
        let first = module(
            "db",
            &[("engine", Export::Alias("sqlalchemy.create_engine()".into()))],
        );
        let second = module(
            "db",
            &[
                ("engine", Export::Alias("peewee.SqliteDatabase()".into())),
                ("session", Export::Alias("sqlalchemy.orm.Session()".into())),
            ],
        );
        let (refs, _) = resolve(
            &[first, second],
            vec![
                reference("db.engine.connect", role::CALL, 4),
                reference("db.session.commit", role::CALL, 5),
            ],
            &["db"],
        );
        let got: Vec<(&str, u32)> = refs.iter().map(|r| (r.qname.as_str(), r.line)).collect();
        assert_eq!(
            got,
            [
                ("sqlalchemy.create_engine().connect", 4),
                ("sqlalchemy.orm.Session().commit", 5)
            ]
        );
    }

    /// A name used on many lines is kept once and resolved once; each use
    /// still comes back at its own line, in the order the module made them,
    /// with its own keyword arguments.
    #[test]
    fn each_use_keeps_its_line_order_and_keywords() {
        let app = Export::Alias("flask.Flask()".into());
        let mut post = reference("web.app.route", role::DECORATOR, 9);
        post.keywords = Some(vec![("methods".to_string(), vec!["POST".to_string()])].into());
        let uses = vec![
            reference("web.app.route", role::DECORATOR, 12),
            post,
            reference("web.app.route", role::DECORATOR, 3),
        ];
        let deferred = Deferred::new(uses.clone());
        assert_eq!(deferred.names.len(), 2, "{deferred:?}");
        let (refs, _) = resolve(&[module("web", &[("app", app)])], uses, &["web"]);
        let got: Vec<(u32, bool)> = refs
            .iter()
            .map(|r| (r.line, r.keywords.is_some()))
            .collect();
        assert_eq!(got, [(12, false), (9, true), (3, false)]);
        assert!(refs.iter().all(|r| r.qname == "flask.Flask().route"));
    }
}
