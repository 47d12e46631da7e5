//! `.env` files: one committed with values puts its secrets in the
//! repository's history; `.env.example` and friends are templates.

use super::facts::ConfigFact;

crate::analyze::config::facts! {
    DOTENV_VALUES = "dotenv.values",
        "a .env file (not a template such as .env.example) assigns a value";
}

/// Whether a file name is a dotenv file that holds real values (not a template).
pub fn is_dotenv(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let templated = ["example", "sample", "template", "dist", "defaults", "test"];
    (name == ".env" || name.starts_with(".env.")) && !templated.iter().any(|t| name.ends_with(t))
}

/// `dotenv.values` at the first `KEY=value` line whose value is not empty.
pub fn analyze(text: &str) -> Vec<ConfigFact> {
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
        .map(|(i, line)| {
            let key = line.trim().trim_start_matches("export ");
            let key = key.split('=').next().unwrap_or("").trim();
            ConfigFact::new(DOTENV_VALUES.name, i as u32 + 1, key)
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
    fn only_assignments_with_values_are_stated() {
        assert!(analyze("# local settings\nDEBUG=\nAPI_KEY=\n").is_empty());
        let f = analyze("# local settings\nDEBUG=\nexport STRIPE_KEY=\"sk_test_123\"\n");
        assert_eq!(
            f,
            vec![ConfigFact::new(DOTENV_VALUES.name, 3, "STRIPE_KEY")]
        );
    }
}
