//! The JSON documents (a report, a diff): the model as it is, pretty-printed,
//! with a final newline.

use serde::Serialize;
use std::io::{self, Write};

pub fn render(document: &impl Serialize, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, document).map_err(io::Error::other)?;
    writeln!(out)
}
