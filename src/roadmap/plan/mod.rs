//! From a measured checklist to a plan: the next projects to build, the
//! milestones met or missing, and a week-by-week path through what remains.
//! So far, what a plan is made from as roadmap files give it ([`data`]).

pub mod data;
