//! Folders that are not the learner's code: version control, virtualenvs,
//! installed packages, caches, build output, and the folders of coding
//! assistants (`.claude/`, `.cursor/`, ...), whose skills and scripts come
//! ready-made with the tool. Jupyter's `.ipynb_checkpoints/` are listed:
//! the audit reports them as not counted (`analyze::origin`).

/// Why a folder was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Tool output or caches: skipped silently.
    Quiet,
    /// A virtualenv or installed packages inside the repository: a finding.
    Virtualenv,
    /// Python bytecode caches inside the repository: a finding.
    PyCache,
}

/// Classifies a folder by its name and, for virtualenvs, by what it contains.
/// `has` answers whether a path relative to the folder exists.
pub fn classify_dir(name: &str, has: &dyn Fn(&str) -> bool) -> Option<Skip> {
    match name {
        ".git" | ".hg" | ".svn" | "node_modules" | ".tox" | ".nox" | ".eggs" | ".mypy_cache"
        | ".pytest_cache" | ".ruff_cache" | "htmlcov" | ".idea" | ".vscode" | "build" | "dist"
        | ".cache" => return Some(Skip::Quiet),
        ".claude"
        | ".cursor"
        | ".agents"
        | ".codex"
        | ".gemini"
        | ".windsurf"
        | ".specify"
        | ".kiro"
        | ".aider.tags.cache.v3" => return Some(Skip::Quiet),
        "__pycache__" => return Some(Skip::PyCache),
        "site-packages" | "dist-packages" => return Some(Skip::Virtualenv),
        _ => {}
    }
    if name.ends_with(".egg-info") || name.ends_with(".dist-info") {
        return Some(Skip::Quiet);
    }
    if has("pyvenv.cfg") {
        return Some(Skip::Virtualenv);
    }
    let venv_name = matches!(
        name,
        "venv" | ".venv" | "env" | ".env" | "virtualenv" | "virtenv"
    );
    if venv_name
        && (has("bin/python")
            || has("bin/activate")
            || has("Scripts/activate")
            || has("Scripts/python.exe"))
    {
        return Some(Skip::Virtualenv);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assistant_folders_are_not_the_learners_code() {
        // Found on a hackathon repository: `.claude/skills/*/scripts/*.py`
        // counted as the learner's CLI, type hints and docstrings.
        assert_eq!(classify_dir(".claude", &|_| false), Some(Skip::Quiet));
        assert_eq!(classify_dir(".cursor", &|_| false), Some(Skip::Quiet));
        assert_eq!(classify_dir("claude", &|_| false), None);
    }

    #[test]
    fn virtualenvs_are_recognized_by_content() {
        assert_eq!(
            classify_dir("whatever", &|p| p == "pyvenv.cfg"),
            Some(Skip::Virtualenv)
        );
        assert_eq!(
            classify_dir("env", &|p| p == "bin/python"),
            Some(Skip::Virtualenv)
        );
        // A package folder named `env` (say, settings per environment) is code.
        assert_eq!(classify_dir("env", &|_| false), None);
        assert_eq!(classify_dir("__pycache__", &|_| false), Some(Skip::PyCache));
        assert_eq!(classify_dir("src", &|_| false), None);
    }
}
