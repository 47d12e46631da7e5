//! Reports: one model ([`model::Report`]), one renderer per format.
//!
//! Renderers never compute; everything they print is in the model.

pub mod json;
pub mod model;
pub mod text;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable report for the terminal.
    Text,
    /// The versioned JSON document (schema_version 1).
    Json,
}
