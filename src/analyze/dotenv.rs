//! `.env` files: a committed one with values is a finding (its secrets are in
//! the repository's history); `.env.example` and friends are templates.

use crate::model::Finding;

/// Whether a file name is a dotenv file that holds real values (not a template).
pub fn is_dotenv(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let templated = ["example", "sample", "template", "dist", "defaults", "test"];
    (name == ".env" || name.starts_with(".env.")) && !templated.iter().any(|t| name.ends_with(t))
}

/// A finding at the first `KEY=value` line whose value is not empty.
pub fn findings(path: &str, text: &str) -> Vec<Finding> {
    let assigned = text.lines().enumerate().find(|(_, line)| {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        if line.starts_with('#') {
            return false;
        }
        line.split_once('=').is_some_and(|(key, value)| {
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            !key.trim().is_empty() && !key.contains(' ') && !value.is_empty()
        })
    });
    assigned
        .map(|(i, _)| Finding {
            id: "sec.secrets".to_string(),
            path: path.to_string(),
            line: i as u32 + 1,
            cell: None,
            message: "a .env file with values is in the repository: remove it, rotate what it held, list .env in .gitignore and commit a .env.example without values".to_string(),
        })
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_files_and_templates_are_told_apart() {
        assert!(is_dotenv(".env"));
        assert!(is_dotenv("backend/.env.production"));
        assert!(!is_dotenv(".env.example"));
        assert!(!is_dotenv("config/.env.sample"));
        assert!(!is_dotenv("environment.yml"));
    }

    #[test]
    fn only_assignments_with_values_are_findings() {
        assert!(findings(".env", "# local settings\nDEBUG=\nAPI_KEY=\n").is_empty());
        let f = findings(
            ".env",
            "# local settings\nDEBUG=\nexport STRIPE_KEY=\"sk_test_123\"\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].line, 3);
    }
}
