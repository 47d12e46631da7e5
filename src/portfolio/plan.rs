//! The plan's library entry. So far, what a plan is made from, as the
//! roadmaps give it: project briefs, milestones and the seeds' durations.

pub use crate::roadmap::plan::data::{range_text, Milestone, Project, Stage, TRACKS};
pub use crate::roadmap::Item;
