//! The competencies as the stages after the rules know them: the areas of
//! the catalog (`../shared/catalog.md`) in the order roadmaps teach them,
//! and each competency's title, area and next step.

use std::collections::BTreeMap;

/// The areas of the catalog, in the order roadmaps teach them, with their titles.
/// Reports list competencies in this order; a custom rule's unknown area comes last.
pub const AREAS: &[(&str, &str)] = &[
    ("foundations", "Foundations"),
    ("oop", "OOP and the data model"),
    ("advanced", "Advanced language"),
    ("quality", "Quality: types, tests, linting, docs"),
    ("environment", "Environment, packaging, git"),
    ("concurrency", "Concurrency and performance"),
    ("persistence", "Data persistence and messaging"),
    ("web", "Web and APIs"),
    ("devops", "DevOps and deployment"),
    ("data_ml", "Data science, ML and AI"),
    ("automation", "Automation, scraping and other uses"),
    ("security", "Security"),
];

/// An area's place in [`AREAS`] (unknown areas sort last).
pub fn area_rank(area: &str) -> usize {
    AREAS
        .iter()
        .position(|(a, _)| *a == area)
        .unwrap_or(AREAS.len())
}

/// An area's title, or the area id itself for a custom area.
pub fn area_title(area: &str) -> &str {
    AREAS
        .iter()
        .find(|(a, _)| *a == area)
        .map_or(area, |(_, t)| t)
}

/// What a checklist needs to know of a competency besides its level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompetencyInfo {
    pub id: String,
    pub title: String,
    pub area: String,
    /// The next step shown when the competency is missing or weak.
    pub advice: String,
}

/// The loaded competencies by id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    by_id: BTreeMap<String, CompetencyInfo>,
}

impl Catalog {
    pub fn new(competencies: impl IntoIterator<Item = CompetencyInfo>) -> Catalog {
        Catalog {
            by_id: competencies
                .into_iter()
                .map(|c| (c.id.clone(), c))
                .collect(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&CompetencyInfo> {
        self.by_id.get(id)
    }

    /// The competency's advice, or nothing for an id the catalog lacks.
    pub fn advice(&self, id: &str) -> &str {
        self.get(id).map_or("", |c| c.advice.as_str())
    }
}
