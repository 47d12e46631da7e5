//! The walk against libgit2's blame and git's rules: renames, copies,
//! moved blocks, ignored revisions.

use super::*;
use git2::Signature;

/// Commits a flat tree of `files` with these parents; returns its id.
fn commit(repo: &Repository, files: &[(&str, &str)], parents: &[Oid], who: &str, day: i64) -> Oid {
    let mut tb = repo.treebuilder(None).unwrap();
    for (name, text) in files {
        let blob = repo.blob(text.as_bytes()).unwrap();
        tb.insert(name, blob, 0o100644).unwrap();
    }
    let tree = repo.find_tree(tb.write().unwrap()).unwrap();
    let sig = Signature::new(
        who,
        &format!("{who}@example.com"),
        &git2::Time::new(1_700_000_000 + day * 86_400, 0),
    )
    .unwrap();
    let parents: Vec<git2::Commit> = parents
        .iter()
        .map(|p| repo.find_commit(*p).unwrap())
        .collect();
    let refs: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(None, &sig, &sig, "change", &tree, &refs)
        .unwrap()
}

fn libgit2_owners(repo: &Repository, at: Oid, path: &str) -> Vec<Oid> {
    let mut opts = git2::BlameOptions::new();
    opts.newest_commit(at);
    let blame = repo.blame_file(Path::new(path), Some(&mut opts)).unwrap();
    let mut out = Vec::new();
    for h in blame.iter() {
        out.extend(std::iter::repeat_n(h.final_commit_id(), h.lines_in_hunk()));
    }
    out
}

#[test]
fn the_walk_agrees_with_libgit2s_blame_and_follows_renames() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init_bare(dir.path()).unwrap();
    let keep = "unchanged\n";
    let c1 = commit(
        &repo,
        &[("f.py", "a1\na2\na3\na4\na5\na6\n"), ("g.py", keep)],
        &[],
        "ann",
        0,
    );
    let c2 = commit(
        &repo,
        &[("f.py", "a1\na2\nb3\na4\na5\na6\nb7\n"), ("g.py", keep)],
        &[c1],
        "bob",
        1,
    );
    // A side branch changes line 1; main deletes a5 and inserts after a2.
    let side = commit(
        &repo,
        &[("f.py", "c1\na2\nb3\na4\na5\na6\nb7\n"), ("g.py", keep)],
        &[c2],
        "cat",
        2,
    );
    let main = commit(
        &repo,
        &[("f.py", "a1\na2\nd2\nb3\na4\na6\nb7\n"), ("g.py", keep)],
        &[c2],
        "ann",
        3,
    );
    let merge = commit(
        &repo,
        &[("f.py", "c1\na2\nd2\nb3\na4\na6\nb7\n"), ("g.py", keep)],
        &[main, side],
        "bob",
        4,
    );
    let last = commit(
        &repo,
        &[("f.py", "c1\na2\nd2\nb3\na4\na6\ne7"), ("g.py", keep)],
        &[merge],
        "cat",
        5,
    );
    let bob = Authors::new(&["bob@example.com".into()]);
    let none = IgnoredRevs::default();
    let blamer = Blamer::open(dir.path(), &last.to_string(), &bob, &none).unwrap();
    let ours = blamer.line_commits("f.py").unwrap();
    assert_eq!(ours, libgit2_owners(&repo, last, "f.py"));
    assert_eq!(ours, vec![side, c1, main, c2, c1, c1, last]);
    assert_eq!(blamer.line_commits("g.py").unwrap(), vec![c1]);

    let moved = commit(
        &repo,
        &[("h.py", "c1\na2\nd2\nb3\na4\na6\ne7"), ("g.py", keep)],
        &[last],
        "dan",
        6,
    );
    let blamer = Blamer::open(dir.path(), &moved.to_string(), &bob, &none).unwrap();
    assert_eq!(
        blamer.line_commits("h.py").unwrap(),
        ours,
        "a rename without change is followed"
    );
    let b = blamer.blame("h.py", &bob).unwrap();
    assert_eq!((b.lines(), b.mine()), (7, 1));
    assert!(b.is_mine(4) && !b.is_mine(1));
}

#[test]
fn a_function_moved_to_another_file_keeps_its_author_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init_bare(dir.path()).unwrap();
    let f = "def f(x):\n    return x * 2\n";
    let g = "def grand_total(items, rate):\n    return sum(items) * (1 + rate)\n";
    let c1 = commit(
        &repo,
        &[("a.py", &format!("{f}\n{g}")), ("b.py", "import a\n")],
        &[],
        "ann",
        0,
    );
    // Bob moves g from a.py to b.py, under a line of his own.
    let c2 = commit(
        &repo,
        &[("a.py", f), ("b.py", &format!("import a\n# moved\n{g}"))],
        &[c1],
        "bob",
        1,
    );
    let bob = Authors::new(&["bob@example.com".into()]);
    let blamer = Blamer::open(dir.path(), &c2.to_string(), &bob, &IgnoredRevs::default()).unwrap();
    assert_eq!(blamer.line_commits("b.py").unwrap(), vec![c1, c2, c1, c1]);
    let b = blamer.blame("b.py", &bob).unwrap();
    assert_eq!((b.lines(), b.mine()), (4, 1));
    let moved = Handed {
        lines: 2,
        theirs_without: 3,
        theirs_with: 1,
    };
    assert_eq!(b.moves, moved);
}

#[test]
fn each_ignored_commit_says_which_lines_it_would_hold_without_its_entry() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init_bare(dir.path()).unwrap();
    let c1 = commit(
        &repo,
        &[("f.py", "def total(items):\n    return sum(items)\n")],
        &[],
        "ann",
        0,
    );
    // Two formatters in a row: the second touches both lines, the first one.
    let c2 = commit(
        &repo,
        &[("f.py", "def total(items):\n    return sum(items)  # ok\n")],
        &[c1],
        "bot",
        1,
    );
    let c3 = commit(
        &repo,
        &[(
            "f.py",
            "def total( items ):\n    return sum( items )  # ok\n",
        )],
        &[c2],
        "bot",
        2,
    );
    let list = RevList::parse("list", &format!("{c2}\n{c3}\n"));
    let ann = Authors::new(&["ann@example.com".into()]).with_ignore_revs(Some(list));
    let (ignored, notes) = ignored_revs(dir.path(), &c3.to_string(), &ann).unwrap();
    assert!(notes.is_empty(), "{notes:?}");
    let blamer = Blamer::open(dir.path(), &c3.to_string(), &ann, &ignored).unwrap();
    assert_eq!(blamer.line_commits("f.py").unwrap(), vec![c1, c1]);
    let b = blamer.blame("f.py", &ann).unwrap();
    let handed = Handed {
        lines: 2,
        theirs_without: 0,
        theirs_with: 2,
    };
    assert_eq!(b.ignored[0].handed, handed);
    let per_commit: Vec<(Oid, CommitEffect)> =
        b.ignored[0].commits.iter().map(|(c, e)| (*c, *e)).collect();
    let mut expected = vec![
        (
            c2,
            CommitEffect {
                lines: 1,
                theirs: 1,
            },
        ),
        (
            c3,
            CommitEffect {
                lines: 2,
                theirs: 2,
            },
        ),
    ];
    expected.sort_by_key(|(c, _)| *c);
    assert_eq!(per_commit, expected);
}

#[test]
fn an_empty_file_is_theirs_when_they_added_it() {
    let mut b = FileBlame::default();
    assert!(!b.is_mine(1));
    b.empty_mine = true;
    assert!(b.is_mine(1) && !b.is_mine(2) && b.mostly_mine());
    let b = FileBlame {
        mine: vec![true, false, false],
        ..FileBlame::default()
    };
    assert!(b.is_mine(1) && !b.is_mine(2) && !b.is_mine(0) && !b.is_mine(9));
    assert!(!b.mostly_mine());
}
