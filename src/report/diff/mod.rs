//! Renderers of a [`crate::model::diff::Diff`]: text for the terminal and
//! Markdown for a pull-request comment (its JSON is
//! [`crate::report::json::render`]). They format; the library compares.

pub mod markdown;
pub mod text;
