//! Renderers of a [`crate::model::diff::Diff`]: text for the terminal and
//! Markdown for a pull-request comment (its JSON is
//! [`crate::report::json::render`]). They format; the library compares.

pub mod markdown;
pub mod text;

use crate::model::diff::ConfigChanges;

/// What configuration changed, a line each, as both formats list it.
pub fn config_lines(c: &ConfigChanges) -> Vec<String> {
    let mut lines = Vec::new();
    for i in &c.ignored {
        lines.push(format!(
            "now ignored: {} ({}), by {}",
            i.id,
            i.competencies.join(", "),
            i.source
        ));
    }
    for i in &c.unignored {
        lines.push(format!("scored again: {}", i.id));
    }
    lines.extend(c.added.iter().map(|s| format!("added: {s}")));
    lines.extend(c.removed.iter().map(|s| format!("removed: {s}")));
    lines
}
