//! Files that configure a project rather than being its code: dependency
//! manifests, CI pipelines, Dockerfiles and compose files, deployment and
//! infrastructure. Each is read by a parser of its format (TOML, YAML,
//! PEP 508, Dockerfile instructions, shell commands) and states named
//! [facts](super::facts::ConfigFact) that rules ask for with `facts = [...]`.

use super::facts::{ConfigFacts, FactInfo};
use super::{ci, docker, infra, manifest};

/// Which analyzer reads a configuration file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    Manifest(manifest::Manifest),
    Ci(ci::Kind),
    Docker(docker::Kind),
    Infra(infra::Kind),
}

/// The analyzer of a file, by its path inside the repository (`/`-separated).
pub fn kind_of(path: &str) -> Option<ConfigKind> {
    manifest::Manifest::of_path(path)
        .map(ConfigKind::Manifest)
        .or_else(|| ci::kind_of(path).map(ConfigKind::Ci))
        .or_else(|| docker::kind_of(path).map(ConfigKind::Docker))
        .or_else(|| infra::kind_of(path).map(ConfigKind::Infra))
}

/// Reads one configuration file. Never fails: what cannot be read is a
/// problem in the result, and what could be read is still stated.
pub fn analyze(kind: ConfigKind, text: &str) -> ConfigFacts {
    let mut out = match kind {
        ConfigKind::Manifest(m) => manifest::analyze(m, text),
        ConfigKind::Ci(k) => ci::analyze(k, text),
        ConfigKind::Docker(k) => docker::analyze(k, text),
        ConfigKind::Infra(k) => infra::analyze(k, text),
    };
    out.deps.sort();
    out.deps.dedup_by(|a, b| a.0 == b.0);
    out.facts
        .sort_by(|a, b| (a.line, a.name, &a.detail).cmp(&(b.line, b.name, &b.detail)));
    out.facts.dedup();
    debug_assert!(
        out.facts
            .iter()
            .all(|f| known_facts().any(|k| k.name == f.name)),
        "a fact missing from its analyzer's FACTS: {:?}",
        out.facts
    );
    out
}

/// Every fact name the configuration analyzers may state, in listing order.
pub fn known_facts() -> impl Iterator<Item = &'static FactInfo> {
    [manifest::FACTS, ci::FACTS, docker::FACTS, infra::FACTS]
        .into_iter()
        .flatten()
}

/// Declares the facts one analyzer states, each name written once: a
/// constant per fact, which is what states it (`out.fact(CI_RUNS_TESTS,
/// line, detail)`: a misspelt name does not compile), and `FACTS`, the
/// list [`known_facts`] and the rule compiler read, in this order. A
/// constant is named after its fact (`ci.runs_tests`: `CI_RUNS_TESTS`),
/// which a test the macro writes checks.
///
/// ```ignore
/// facts! {
///     CI_RUNS_TESTS = "ci.runs_tests",
///         "a CI step runs the test suite";
/// }
/// ```
macro_rules! facts {
    ($($konst:ident = $name:literal, $description:literal;)+) => {
        $(
            #[doc = concat!("The fact `", $name, "` (described in `FACTS`).")]
            pub const $konst: &$crate::analyze::facts::FactInfo =
                &$crate::analyze::facts::FactInfo {
                    name: $name,
                    description: $description,
                };
        )+

        /// The facts this analyzer states, in listing order.
        pub const FACTS: &[$crate::analyze::facts::FactInfo] = &[$(*$konst),+];

        #[cfg(test)]
        #[test]
        fn fact_constants_are_named_after_their_facts() {
            for (konst, name) in [$((stringify!($konst), $name)),+] {
                assert_eq!(
                    konst,
                    name.replace('.', "_").to_ascii_uppercase(),
                    "the constant of `{name}`"
                );
            }
        }
    };
}
pub(crate) use facts;
