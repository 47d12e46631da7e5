//! Slices of a run, for cohorts spread over machines (`scan --shard K/N`),
//! and the digests that tell whether slices belong to one run.
//!
//! A repository's shard depends on nothing but its identity: the source as
//! given (a path, a URL) and its label. It is the first 8 bytes of the git
//! blob id (SHA-1) of `source`, a newline and `label`, as a big-endian
//! number, modulo N, plus one. So it is the same on every machine and in every order of
//! completion, and adding a student to a class list moves no one else.

use super::inputs::Slot;
use crate::model::Fingerprints;
use crate::roadmap::config::Config;
use crate::roadmap::Roadmap;
use crate::rules::RuleSource;

/// `--shard K/N`: the K-th (from 1) of N slices of the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Reads `K/N`, with 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad =
            || format!("`{text}`: a shard is K/N, the K-th of N slices (1 ≤ K ≤ N), as in 2/5");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Keeps the repositories of this slice, in order; returns the
    /// identities of all of them, and the places of those kept.
    pub fn keep(&self, slots: &mut Vec<Slot>) -> (Vec<Identity>, Vec<u32>) {
        let identities: Vec<Identity> = slots.iter().map(Identity::of).collect();
        let mine: Vec<bool> = identities.iter().map(|i| self.holds(i)).collect();
        let positions = (0..slots.len() as u32)
            .filter(|&i| mine[i as usize])
            .collect();
        let mut at = 0;
        slots.retain(|_| {
            at += 1;
            mine[at - 1]
        });
        (identities, positions)
    }

    /// Whether the repository of this identity falls in this slice.
    pub fn holds(&self, identity: &Identity) -> bool {
        let sha = git2::Oid::hash_object(git2::ObjectType::Blob, identity.0.as_bytes())
            .expect("hashing bytes in memory cannot fail");
        let mut first = [0u8; 8];
        first.copy_from_slice(&sha.as_bytes()[..8]);
        u64::from_be_bytes(first) % u64::from(self.count) + 1 == u64::from(self.index)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What places a repository in a shard: its source as given and its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity(String);

impl Identity {
    fn new(source: &str, label: Option<&String>) -> Identity {
        Identity(format!("{source}\n{}", label.map_or("", String::as_str)))
    }

    /// A repository ready to audit, or one that already failed.
    pub fn of(slot: &Slot) -> Identity {
        match slot {
            Ok(input) => Identity::new(&input.source, input.label.as_ref()),
            Err(report) => Identity::new(&report.source, report.label.as_ref()),
        }
    }
}

/// A BLAKE3 hash (hex) of the parts, each preceded by its length, so that
/// no two different lists of parts digest the same bytes.
pub fn digest<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hasher.finalize().to_hex().to_string()
}

/// The digest of the rule and finding files: their kind, file name and text
/// (not their folder, which differs between machines).
pub fn rules_digest(sources: &[RuleSource]) -> String {
    let described: Vec<String> = sources
        .iter()
        .map(|s| {
            let name = s.path.file_name().map(|n| n.to_string_lossy());
            format!("{:?}\n{}\n{}", s.kind, name.unwrap_or_default(), s.text)
        })
        .collect();
    digest(described.iter().map(String::as_bytes))
}

/// The digest of what a checklist is measured with, besides the rules.
pub fn fingerprints(
    identities: &[Identity],
    rules: Option<&str>,
    roadmap: &Roadmap,
    auditor: &Config,
) -> Fingerprints {
    let roadmap = format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        roadmap.name,
        roadmap.title,
        roadmap.source,
        roadmap.description,
        roadmap.phases,
        roadmap.items
    );
    let config = format!("{auditor:?}");
    Fingerprints {
        inputs: digest(identities.iter().map(|i| i.0.as_bytes())),
        rules: rules.map(str::to_string),
        roadmap: digest([roadmap.as_bytes()]),
        config: digest([config.as_bytes()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_read_as_k_of_n() {
        assert_eq!(Shard::parse("2/5"), Ok(Shard { index: 2, count: 5 }));
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "1/2/3", ""] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_identity_falls_in_exactly_one_shard() {
        for n in 1..=7 {
            for source in ["a", "students/alan", "https://github.com/ada/shop"] {
                let id = Identity::new(source, None);
                let holding: Vec<u32> = (1..=n)
                    .filter(|&k| Shard { index: k, count: n }.holds(&id))
                    .collect();
                assert_eq!(holding.len(), 1, "{source} in {n} shards: {holding:?}");
            }
        }
    }

    #[test]
    fn digests_keep_parts_apart() {
        assert_ne!(digest([&b"ab"[..], b"c"]), digest([&b"a"[..], b"bc"]));
        assert_eq!(digest([&b"x"[..]]).len(), 64);
    }
}
