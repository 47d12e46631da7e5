//! Jupyter notebooks: code cells joined into one module (imports carry over
//! from cell to cell, as when the notebook runs top to bottom), with a map
//! back from the module's lines to (cell, line in cell).
//!
//! Magics (`%`, `%%`) and shell lines (`!`) become blank lines; outputs are never read.

use serde_json::Value;

/// A notebook's code as one module, and where each of its lines came from.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct NotebookCode {
    pub source: String,
    /// For line `i + 1` of `source`: (cell number from 1, line in the cell from 1).
    pub lines: Vec<(u32, u32)>,
    pub code_cells: u32,
    /// Cells that could not be read (`cell 4: ...`); the others still are.
    pub skipped: Vec<String>,
}

impl NotebookCode {
    /// The cell and line of a line of `source`.
    pub fn locate(&self, line: u32) -> (u32, u32) {
        self.lines
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or((0, line))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NotebookError {
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("no `cells` list (nbformat 4) or `worksheets` (nbformat 3)")]
    NoCells,
}

fn cell_source(cell: &Value, key: &str) -> Option<String> {
    match cell.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => parts
            .iter()
            .map(|p| p.as_str())
            .collect::<Option<Vec<_>>>()
            .map(|v| v.concat()),
        _ => None,
    }
}

pub fn extract(bytes: &[u8]) -> Result<NotebookCode, NotebookError> {
    let nb: Value = serde_json::from_slice(bytes)?;
    // nbformat 3 keeps cells in worksheets and code in `input`.
    let (cells, key): (Vec<&Value>, &str) =
        if let Some(c) = nb.get("cells").and_then(Value::as_array) {
            (c.iter().collect(), "source")
        } else if let Some(ws) = nb.get("worksheets").and_then(Value::as_array) {
            (
                ws.iter()
                    .filter_map(|w| w.get("cells").and_then(Value::as_array))
                    .flatten()
                    .collect(),
                "input",
            )
        } else {
            return Err(NotebookError::NoCells);
        };
    let mut out = NotebookCode::default();
    for (i, cell) in cells.iter().enumerate() {
        if !cell.is_object() {
            out.skipped
                .push(format!("cell {}: not a JSON object, skipped", i + 1));
            continue;
        }
        if cell.get("cell_type").and_then(Value::as_str) != Some("code") {
            continue;
        }
        let Some(src) = cell_source(cell, key) else {
            out.skipped.push(format!(
                "cell {}: `{key}` is neither a string nor a list of strings, skipped",
                i + 1
            ));
            continue;
        };
        out.code_cells += 1;
        let cell_no = i as u32 + 1;
        let is_cell_magic = src.trim_start().starts_with("%%");
        for (j, line) in src.lines().enumerate() {
            let t = line.trim_start();
            let blank = is_cell_magic
                || t.starts_with('%')
                || t.starts_with('!')
                || t.ends_with('?') && !t.starts_with('#');
            out.source.push_str(if blank { "" } else { line });
            out.source.push('\n');
            out.lines.push((cell_no, j as u32 + 1));
        }
        // A blank line between cells ends any open block.
        out.source.push('\n');
        out.lines.push((cell_no, src.lines().count() as u32 + 1));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_map_back_to_their_lines() {
        let nb = br##"{"nbformat": 4, "cells": [
            {"cell_type": "markdown", "source": "# Title"},
            {"cell_type": "code", "source": ["%matplotlib inline\n", "import pandas as pd"]},
            {"cell_type": "code", "source": "df = pd.read_csv('x.csv')\n!pip install x"}]}"##;
        let code = extract(nb).unwrap();
        assert_eq!(code.code_cells, 2);
        let lines: Vec<&str> = code.source.lines().collect();
        assert_eq!(lines[0], "");
        assert_eq!(lines[1], "import pandas as pd");
        assert_eq!(code.locate(2), (2, 2));
        assert_eq!(code.locate(4), (3, 1));
        assert!(!code.source.contains("pip install"));
    }

    #[test]
    fn malformed_notebooks_are_errors_not_panics() {
        assert!(extract(b"{not json").is_err());
        assert!(extract(br#"{"metadata": {}}"#).is_err());
    }

    #[test]
    fn a_bad_cell_is_skipped_and_the_others_read() {
        let code = extract(
            br#"{"cells": [{"cell_type": "code", "source": 3}, 7, {"cell_type": "code", "source": "import os"}]}"#,
        )
        .unwrap();
        assert_eq!(code.code_cells, 1);
        assert_eq!(
            code.skipped,
            vec![
                "cell 1: `source` is neither a string nor a list of strings, skipped",
                "cell 2: not a JSON object, skipped"
            ]
        );
        assert_eq!(code.locate(1), (3, 1));
    }
}
