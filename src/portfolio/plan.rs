//! The plan's library entry: a report (from [`super::Portfolio::audit`]) in,
//! a [`Plan`] out: the next projects, the milestones and a week-by-week
//! path, computed by [`crate::roadmap::plan`] and printed by the renderers.
//!
//! ```
//! use portfolio_audit::portfolio::plan::{plan, PlanOptions};
//! use portfolio_audit::portfolio::{Input, Options, Portfolio, Silent};
//!
//! let portfolio = Portfolio::load(None, "professional", Options::default())?;
//! let audit = portfolio.audit(&[Input::path("fixtures/portfolio/calculator-and-todo")], &Silent)?;
//! let plan = plan(&audit.report, "professional", &PlanOptions::default())?;
//! assert!(!plan.next_projects.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use crate::model::plan::{Plan, PLAN_SCHEMA_VERSION};
pub use crate::roadmap::plan::data::{range_text, Milestone, Project, Stage, TRACKS};
pub use crate::roadmap::plan::{Options as PlanOptions, DEFAULT_HOURS_PER_WEEK, NEXT};
pub use crate::roadmap::Item;

use crate::model::{DataErrors, Report};
use crate::roadmap::Roadmap;
use std::collections::BTreeSet;

/// Why no plan could be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("no repository could be audited, so there is nothing to plan from")]
    NothingAudited,
    #[error("roadmap: {0}")]
    Roadmap(DataErrors),
}

/// Plans from a report measured against `roadmap` (a built-in roadmap's
/// name or a roadmap file, as the audit was given it). The roadmaps are
/// loaded against the report's competencies, custom rules included.
pub fn plan(report: &Report, roadmap: &str, options: &PlanOptions) -> Result<Plan, PlanError> {
    let ids: BTreeSet<&str> = report
        .portfolio
        .competencies
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    if ids.is_empty() || report.repos.iter().all(|r| r.error.is_some()) {
        return Err(PlanError::NothingAudited);
    }
    let roadmap = Roadmap::find(roadmap, &ids).map_err(PlanError::Roadmap)?;
    let pool = Roadmap::embedded(&ids).map_err(PlanError::Roadmap)?;
    Ok(crate::roadmap::plan::plan(&roadmap, &pool, report, options))
}
