//! Line maps between two versions of a file, from their diff: which lines
//! are unchanged copies, which line an ignored commit's change replaced,
//! and which blocks were moved or copied from another file.

use git2::{DiffOptions, Patch};
use std::collections::HashSet;

/// A moved or copied block counts when its lines hold at least this many
/// letters and digits: git blame's default for `-C`, so that shared
/// one-liners (`import os`, `return None`, a blank line) do not move.
pub const MOVE_SCORE: usize = 40;

/// For each line of the new version (from 0), its line in the old one.
pub struct LineMap {
    /// The line of `old` it is an unchanged copy of.
    pub unchanged: Vec<Option<u32>>,
    /// The line of `old` it replaced, changed or not: unchanged lines map
    /// as above; a line of a hunk maps to the hunk's old line at the same
    /// place, and a hunk that grew maps its extra lines to its last old line
    /// (a long line wrapped over several), except blank ones. A blank line a
    /// hunk added, and every line of a hunk that only inserts, map to none.
    pub replaced: Vec<Option<u32>>,
}

impl LineMap {
    /// The map from the diff of `old` and `new` (texts as stored).
    pub fn of(old: &[u8], new: &[u8]) -> Result<LineMap, git2::Error> {
        let n = line_count(new);
        let texts = split_lines(new);
        let blank = |at: usize| texts.get(at).is_none_or(|t| t.trim_ascii().is_empty());
        let mut opts = DiffOptions::new();
        opts.context_lines(0).force_text(true);
        let patch = Patch::from_buffers(old, None, new, None, Some(&mut opts))?;
        let mut unchanged = vec![None; n as usize];
        let mut replaced = vec![None; n as usize];
        // Next line of each side not yet placed, from 1 as hunks count.
        let (mut o, mut w) = (1u32, 1u32);
        let copy_until = |map: &mut Vec<Option<u32>>, o: &mut u32, w: &mut u32, end: u32| {
            while *w < end && *w <= n {
                map[*w as usize - 1] = Some(*o - 1);
                *w += 1;
                *o += 1;
            }
        };
        for i in 0..patch.num_hunks() {
            let (h, _) = patch.hunk(i)?;
            // A hunk that only inserts (or only deletes) starts after the line it names.
            let old_start = h.old_start() + u32::from(h.old_lines() == 0);
            let new_start = h.new_start() + u32::from(h.new_lines() == 0);
            copy_until(&mut unchanged, &mut o, &mut w, new_start);
            if h.old_lines() > 0 {
                for k in 0..h.new_lines() {
                    let at = (new_start + k) as usize - 1;
                    let extra = k >= h.old_lines();
                    if let Some(slot) = replaced.get_mut(at).filter(|_| !(extra && blank(at))) {
                        *slot = Some(old_start - 1 + k.min(h.old_lines() - 1));
                    }
                }
            }
            o = old_start + h.old_lines();
            w = new_start + h.new_lines();
        }
        copy_until(&mut unchanged, &mut o, &mut w, n + 1);
        for (r, u) in replaced.iter_mut().zip(&unchanged) {
            if u.is_some() {
                *r = *u;
            }
        }
        Ok(LineMap {
            unchanged,
            replaced,
        })
    }
}

/// Lines as git counts them: a last line without a newline counts.
pub fn line_count(bytes: &[u8]) -> u32 {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    (newlines + usize::from(bytes.last().is_some_and(|&b| b != b'\n'))) as u32
}

/// The lines of a text, as git counts them, without their newlines.
pub fn split_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    if bytes.is_empty() || bytes.last() == Some(&b'\n') {
        lines.pop();
    }
    lines
}

/// Letters and digits in a line: what a block's score counts.
pub fn score(line: &[u8]) -> usize {
    line.iter().filter(|b| b.is_ascii_alphanumeric()).count()
}

/// Of the `wanted` lines of `new` (from 0, ascending), those that sit in a
/// block copied from `old`: lines next to each other in both, unchanged,
/// together scoring at least [`MOVE_SCORE`]. Each with its line in `old`.
pub fn moved_from(
    old: &[u8],
    new: &[u8],
    new_lines: &[&[u8]],
    wanted: &[u32],
) -> Result<Vec<(u32, u32)>, git2::Error> {
    // Most files share no such block: only diff those that share enough text.
    let olds: HashSet<&[u8]> = split_lines(old).into_iter().collect();
    let shared: usize = wanted
        .iter()
        .filter_map(|&l| new_lines.get(l as usize))
        .filter(|line| olds.contains(*line))
        .map(|line| score(line))
        .sum();
    if shared < MOVE_SCORE {
        return Ok(Vec::new());
    }
    let map = LineMap::of(old, new)?.unchanged;
    let mut found = Vec::new();
    let mut block: Vec<(u32, u32)> = Vec::new();
    let mut block_score = 0;
    let mut close = |block: &mut Vec<(u32, u32)>, block_score: &mut usize| {
        if *block_score >= MOVE_SCORE {
            found.append(block);
        }
        block.clear();
        *block_score = 0;
    };
    for &l in wanted {
        let Some(from) = map.get(l as usize).copied().flatten() else {
            close(&mut block, &mut block_score);
            continue;
        };
        let follows = block
            .last()
            .is_some_and(|&(pl, pf)| pl + 1 == l && pf + 1 == from);
        if !follows {
            close(&mut block, &mut block_score);
        }
        block.push((l, from));
        block_score += new_lines.get(l as usize).map_or(0, |line| score(line));
    }
    close(&mut block, &mut block_score);
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_hunk_passes_its_lines_to_the_lines_it_replaced() {
        let old = b"a\nb\nc\nd\n";
        // b is rewritten as three lines and a blank one; a line is inserted after d.
        let new = b"a\nb1\nb2\nb3\n\nc\nd\nnew\n";
        let map = LineMap::of(old, new).unwrap();
        assert_eq!(
            map.unchanged,
            vec![Some(0), None, None, None, None, Some(2), Some(3), None]
        );
        assert_eq!(
            map.replaced,
            vec![
                Some(0),
                Some(1),
                Some(1),
                Some(1),
                None,
                Some(2),
                Some(3),
                None
            ]
        );
        // Two lines become one: it replaced the first.
        let map = LineMap::of(b"x\ny\nz\n", b"x\nyz\n").unwrap();
        assert_eq!(map.replaced, vec![Some(0), Some(1)]);
    }

    #[test]
    fn lines_count_as_git_counts_them() {
        assert_eq!(line_count(b""), 0);
        assert_eq!(line_count(b"a\nb"), 2);
        assert_eq!(split_lines(b"a\nb"), vec![&b"a"[..], b"b"]);
        assert_eq!(split_lines(b"a\n\n"), vec![&b"a"[..], b""]);
        assert!(split_lines(b"").is_empty());
    }

    #[test]
    fn a_block_moves_when_it_scores_enough_and_shared_one_liners_do_not() {
        let old =
            b"import os\ndef total(items):\n    return sum(item.price for item in items)\nx = 1\n";
        let new = b"import os\nclass Cart:\n    pass\ndef total(items):\n    return sum(item.price for item in items)\n";
        let lines = split_lines(new);
        let all: Vec<u32> = (0..lines.len() as u32).collect();
        let moved = moved_from(old, new, &lines, &all).unwrap();
        // The function scores 13 + 32; `import os` alone, 8: too little.
        assert_eq!(moved, vec![(3, 1), (4, 2)]);
        // Only the wanted lines are looked for, and must score together.
        assert_eq!(moved_from(old, new, &lines, &[0, 1, 2]).unwrap(), vec![]);
        assert_eq!(moved_from(old, new, &lines, &[4]).unwrap(), vec![]);
    }
}
