//! Renderers of a [`crate::model::timeline::Timeline`]: a progress log for
//! the terminal, a Markdown table, and its JSON document.

pub mod markdown;
pub mod text;

use crate::model::timeline::Timeline;
use std::io::{self, Write};

/// The JSON document, pretty-printed, with a final newline.
pub fn render_json(t: &Timeline, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, t).map_err(io::Error::other)?;
    writeln!(out)
}
