//! Requirements files that pull others in (`-r base.txt`): the included
//! files read as requirements, and includes that name no file or close a
//! cycle reported as notes.

use super::file::analyze_content;
use super::{FileOutcome, RepoContext};
use crate::analyze::{self, config, FileKind};
use crate::model::Note;
use crate::source::{Entry, Repo};
use std::collections::HashSet;
use std::sync::Arc;

/// Requirements files pull others in with `-r FILE`, relative to
/// themselves. An included file that is not named like a requirements file
/// (`-r base.txt`) is analyzed as one here; an include that names no file of
/// the repository, or that closes a cycle, is a note.
pub(super) fn follow_includes(
    mut outcomes: Vec<Arc<FileOutcome>>,
    files: &[Entry],
    ctx: &RepoContext,
    repo: &Repo,
    notes: &mut Vec<Note>,
) -> Vec<Arc<FileOutcome>> {
    if outcomes.iter().all(|o| o.includes.is_empty()) {
        return outcomes;
    }
    let index: std::collections::HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, e)| (e.path.as_str(), i))
        .collect();
    let is_requirements = |k: Option<FileKind>| {
        matches!(
            k,
            Some(FileKind::Config(config::ConfigKind::Manifest(
                analyze::manifest::Manifest::Requirements { .. }
            )))
        )
    };
    // Edges by outcome index; outcomes are in listing order, one per file.
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); outcomes.len()];
    let mut queue: Vec<usize> = (0..outcomes.len()).collect();
    let mut analyzed_as_requirements: HashSet<usize> = (0..outcomes.len())
        .filter(|&i| is_requirements(outcomes[i].kind))
        .collect();
    let reader = repo.reader().ok();
    while let Some(i) = queue.pop() {
        let o = Arc::clone(&outcomes[i]);
        for (target, line) in &o.includes {
            let Some(path) = join_relative(&o.path, target) else {
                continue;
            };
            let Some(&j) = index.get(path.as_str()) else {
                notes.push(Note {
                    path: o.path.clone(),
                    message: format!(
                        "line {line}: includes `{target}`, which is not in the repository"
                    ),
                });
                continue;
            };
            edges[i].push(j);
            if analyzed_as_requirements.insert(j) {
                if let Some(r) = &reader {
                    let kind = FileKind::Config(config::ConfigKind::Manifest(
                        analyze::manifest::Manifest::Requirements { dev: false },
                    ));
                    let mut fresh = analyze_content(&files[j], kind, r, ctx);
                    if !ctx.keep_hits {
                        fresh.close(ctx.rules);
                    }
                    // The file's own outcome (its path alone) gives way to
                    // its reading as requirements.
                    outcomes[j] = Arc::new(fresh);
                    queue.push(j);
                }
            }
        }
    }
    for cycle in include_cycles(&edges) {
        let names: Vec<&str> = cycle.iter().map(|&i| outcomes[i].path.as_str()).collect();
        notes.push(Note {
            path: outcomes[cycle[0]].path.clone(),
            message: format!(
                "requirements include each other in a cycle: {}",
                names.join(" → ")
            ),
        });
    }
    outcomes
}

/// `target` as written in the file at `from` (relative to its folder), as a
/// repository path; none when it leaves the repository or is absolute.
fn join_relative(from: &str, target: &str) -> Option<String> {
    if target.starts_with('/') || target.contains("://") {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Each cycle of the include graph once, as the files along it and back to
/// the first (`a → b → a`), starting from its smallest index.
fn include_cycles(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut cycles: Vec<Vec<usize>> = Vec::new();
    // 0 unvisited, 1 on the current path, 2 done.
    let mut state = vec![0u8; edges.len()];
    let mut path: Vec<usize> = Vec::new();
    fn visit(
        n: usize,
        edges: &[Vec<usize>],
        state: &mut [u8],
        path: &mut Vec<usize>,
        cycles: &mut Vec<Vec<usize>>,
    ) {
        state[n] = 1;
        path.push(n);
        for &m in &edges[n] {
            match state[m] {
                0 => visit(m, edges, state, path, cycles),
                1 => {
                    if let Some(at) = path.iter().position(|&p| p == m) {
                        let mut c: Vec<usize> = path[at..].to_vec();
                        let min = c
                            .iter()
                            .enumerate()
                            .min_by_key(|(_, v)| **v)
                            .map_or(0, |(i, _)| i);
                        c.rotate_left(min);
                        c.push(c[0]);
                        if !cycles.contains(&c) {
                            cycles.push(c);
                        }
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state[n] = 2;
    }
    for n in 0..edges.len() {
        if state[n] == 0 && !edges[n].is_empty() {
            visit(n, edges, &mut state, &mut path, &mut cycles);
        }
    }
    cycles.sort();
    cycles
}

#[cfg(test)]
mod tests {
    #[test]
    fn includes_resolve_relative_to_the_including_file() {
        assert_eq!(
            super::join_relative("requirements/dev.txt", "base.txt").as_deref(),
            Some("requirements/base.txt")
        );
        assert_eq!(
            super::join_relative("app/requirements.txt", "../reqs/common.txt").as_deref(),
            Some("reqs/common.txt")
        );
        assert_eq!(super::join_relative("requirements.txt", "../x.txt"), None);
        assert_eq!(super::join_relative("requirements.txt", "/etc/x.txt"), None);
    }

    #[test]
    fn cycles_are_found_once() {
        // 0 → 1 → 2 → 0, and 3 → 1 (into the cycle), 4 → 4.
        let edges = vec![vec![1], vec![2], vec![0], vec![1], vec![4]];
        assert_eq!(
            super::include_cycles(&edges),
            vec![vec![0, 1, 2, 0], vec![4, 4]]
        );
    }
}
