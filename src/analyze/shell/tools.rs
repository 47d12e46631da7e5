//! What a tool does once the wrappers are off, as
//! `rules/tools/commands.toml` says: by its name, its subcommand and its
//! options (`pytest --cov`, `docker buildx build`, `uvicorn --workers`),
//! and what a task (a make target, a tox environment) does by its name.
//!
//! The table is read and checked by
//! [`commands_toml`](super::commands_toml); this module evaluates its
//! conditions, and holds the checks too particular to be data
//! (`ssh_remote`, `remote_destination`, `interpreter`), which entries name
//! as handlers. Its tests run every example of the table.

use super::commands_toml::{table, Commands, Task, Tool, ToolHandler, When};
use super::table::Pattern;
use super::wrappers::script_actions;
use super::Action;

impl Commands {
    /// The entry that decides for `tool`: the first that names it.
    fn tool(&self, tool: &str) -> Option<&Tool> {
        let literal = self.literal.get(tool).copied();
        let patterned = self
            .patterned
            .iter()
            .copied()
            .find(|&i| self.tools[i].names.iter().any(|p| p.matches(tool)));
        let first = match (literal, patterned) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b)?,
        };
        self.tools.get(first)
    }
}

/// What the tool `tool` (its base name, lowercased) does given `args`.
pub(super) fn tool_actions(tool: &str, args: &[String], acts: &mut Vec<Action>) {
    let table = table();
    // `--version`/`--help` runs are probes, not work.
    if let [only] = args {
        if table.probes.contains(only) {
            return;
        }
    }
    if [".sh", ".bash", ".zsh"].iter().any(|e| tool.ends_with(e)) {
        acts.extend(script_actions(tool));
        return;
    }
    let Some(entry) = table.tool(tool) else {
        return;
    };
    acts.extend(&entry.does);
    for w in &entry.when {
        if w.holds(args) {
            w.give(args, acts);
        }
    }
}

impl When {
    fn holds(&self, args: &[String]) -> bool {
        let given = |p: &Pattern, a: &String| {
            p.matches(a) || a.split_once('=').is_some_and(|(k, _)| p.matches(k))
        };
        self.words
            .iter()
            .enumerate()
            .all(|(i, p)| args.get(i).is_some_and(|a| p.matches(a)))
            && (self.option.is_empty()
                || args.iter().any(|a| self.option.iter().any(|p| given(p, a))))
            && (self.option_value.is_empty()
                || self.option_value.iter().any(|(name, value)| {
                    option_values(args, &[name.as_str()], true)
                        .iter()
                        .any(|v| value.matches(v))
                }))
            && (self.arg.is_empty() || any_matches(&self.arg, args.iter()))
            && (self.operand.is_empty()
                || any_matches(&self.operand, args.iter().filter(|a| !a.starts_with('-'))))
            && (!self.no_args || args.is_empty())
            && !any_matches(&self.not_arg, args.iter())
            && self.handler.is_none_or(|h| match h {
                ToolHandler::SshRemote => ssh_runs_remote_command(args),
                ToolHandler::RemoteDestination => args.last().is_some_and(|a| is_remote_path(a)),
            })
    }

    fn give(&self, args: &[String], acts: &mut Vec<Action>) {
        acts.extend(&self.does);
        if self.targets {
            for t in args
                .iter()
                .filter(|a| !a.starts_with('-') && !a.contains('='))
            {
                acts.extend(task_actions(t));
            }
        }
        if !self.environments.is_empty() {
            let names: Vec<&str> = self.environments.iter().map(String::as_str).collect();
            let envs = option_values(args, &names, false);
            if envs.is_empty() {
                acts.extend(&self.default);
            }
            for e in envs.iter().flat_map(|e| e.split(',')) {
                if e.contains('$') {
                    // `-e $TOXENV`: chosen elsewhere.
                    acts.extend(&self.default);
                } else {
                    acts.extend(task_actions(e));
                }
            }
        }
    }
}

/// Whether one of `words` matches one of `patterns`.
fn any_matches<'a>(patterns: &[Pattern], mut words: impl Iterator<Item = &'a String>) -> bool {
    words.any(|w| patterns.iter().any(|p| p.matches(w)))
}

/// Values a tool's option takes, by any of its spellings: `-e py312,lint`,
/// `-e=lint`, `--env lint`, and with `attached`, `-rrequirements.txt` for
/// a one-letter option.
fn option_values<'a>(args: &'a [String], names: &[&str], attached: bool) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if names.contains(&a.as_str()) {
            if let Some(v) = it.next() {
                out.push(v.as_str());
            }
        } else if let Some(v) = a
            .split_once('=')
            .and_then(|(k, v)| names.contains(&k).then_some(v))
        {
            out.push(v);
        } else if attached {
            let short = names.iter().find(|n| {
                n.len() == 2
                    && a.len() > 2
                    && a.starts_with(**n)
                    && !a.starts_with(&format!("{n}="))
            });
            if let Some(n) = short {
                out.push(&a[n.len()..]);
            }
        }
    }
    out
}

/// What a task (a make target, a tox or nox environment, a hatch/pdm/poe
/// script) does, by its name: `test`, `lint`, `typecheck`, `coverage`, ...
pub fn task_actions(name: &str) -> Vec<Action> {
    let n = name.to_ascii_lowercase();
    let parts: Vec<&str> = n
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    let mut acts = Vec::new();
    for t in &table().tasks {
        if t.matches(&n, &parts) {
            acts.extend(&t.does);
        }
    }
    acts.sort();
    acts.dedup();
    acts
}

impl Task {
    fn matches(&self, name: &str, parts: &[&str]) -> bool {
        self.parts.iter().any(|words| {
            parts
                .windows(words.len())
                .any(|w| w.iter().zip(words).all(|(a, b)| a == b))
        }) || self.names.iter().any(|p| p.matches(name))
            || (self.interpreter && names_interpreter(name, parts))
    }
}

/// tox and nox environments named after interpreters: `py312`, `pypy3`,
/// `3.12` (tox 4 reads a version as an interpreter), and `py`, `py-django42`
/// (the current interpreter's environment).
fn names_interpreter(name: &str, parts: &[&str]) -> bool {
    parts.iter().any(|p| {
        (p.starts_with("py") && p[2..].chars().all(|c| c.is_ascii_digit()) && p.len() > 2)
            || (p.starts_with("pypy") && p[4..].chars().all(|c| c.is_ascii_digit()))
    }) || parts.first() == Some(&"py")
        || (!name.is_empty() && name.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// `ssh [options] host command...`: true when a command follows the host.
fn ssh_runs_remote_command(args: &[String]) -> bool {
    const VALUED: &[&str] = &[
        "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p",
        "-Q", "-R", "-S", "-W", "-w",
    ];
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "-N" {
            return false;
        }
        if !a.starts_with('-') {
            // `args[i]` is the host; anything after it is the remote command.
            return args.len() > i + 1;
        }
        i += if VALUED.contains(&a.as_str()) { 2 } else { 1 };
    }
    false
}

/// `user@host:path`, `host:path` or `rsync://host/path`, not `C:\dir` or `./a:b`.
fn is_remote_path(arg: &str) -> bool {
    if arg.starts_with('-') {
        return false;
    }
    if arg.starts_with("rsync://") {
        return true;
    }
    let Some((host, _)) = arg.split_once(':') else {
        return false;
    };
    let host = host.rsplit('@').next().unwrap_or(host);
    host.len() > 1
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '$' | '{' | '}'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::shell::{acts, base_name, commands, wrappers};

    #[test]
    fn task_runners_by_target_name() {
        use Action::*;
        assert_eq!(acts("tox"), vec![RunsTests]);
        assert_eq!(acts("tox -e py311,lint"), vec![RunsTests, Lints]);
        assert_eq!(acts("nox -s typing"), vec![TypeChecks]);
        assert_eq!(acts("make test lint"), vec![RunsTests, Lints]);
        assert_eq!(acts("hatch run test:cov"), vec![Coverage]);
        assert_eq!(acts("make build"), vec![]);
    }

    #[test]
    fn tools_and_what_is_not_work() {
        use Action::*;
        assert_eq!(acts("ruff check . && ruff format --check ."), vec![Lints]);
        assert_eq!(acts("pre-commit run --all-files"), vec![Lints, PreCommit]);
        assert_eq!(acts("mypy --strict src"), vec![TypeChecks]);
        assert_eq!(acts("docker build -t app ."), vec![BuildsImage]);
        assert_eq!(acts("flyctl deploy --remote-only"), vec![Deploys]);
        assert_eq!(acts("twine upload dist/*"), vec![Publishes]);
        assert_eq!(
            acts("pip install --no-cache-dir -r requirements.txt"),
            vec![InstallsRequirements]
        );
        assert_eq!(acts("uv sync --frozen"), vec![InstallsLocked]);
        assert_eq!(acts("gunicorn app:app -b 0.0.0.0:8000"), vec![Serves]);
        assert_eq!(acts("uvicorn main:app --reload"), vec![]);
        assert_eq!(acts("gunicorn django_project.wsgi"), vec![Serves]);
        assert_eq!(acts("gunicorn --version"), vec![]);
        assert_eq!(acts("echo \"pytest\"; pytest --version"), vec![]);
        assert_eq!(acts("pip install pytest ruff"), vec![]);
    }

    #[test]
    fn every_example_holds() {
        let table = table();
        let mut failures = Vec::new();
        for (i, tool) in table.tools.iter().enumerate() {
            if tool.examples.is_empty() {
                failures.push(format!("{}: a tool without examples", tool.at));
            }
            for e in &tool.examples {
                failures.extend(e.mismatch(&acts(&e.text)));
                let runs_this = commands(&e.text).iter().any(|c| {
                    let w = wrappers::unwrap(&c.words, &mut Vec::new());
                    w.first().is_some_and(|t| {
                        let entry = table.tool(&base_name(t));
                        entry.is_some_and(|t| std::ptr::eq(t, &table.tools[i]))
                    })
                });
                if !runs_this {
                    failures.push(format!(
                        "{}: `{}` runs no tool this entry decides for",
                        e.at, e.text
                    ));
                }
            }
        }
        for task in &table.tasks {
            if task.examples.is_empty() {
                failures.push(format!("{}: a task entry without examples", task.at));
            }
            for e in &task.examples {
                failures.extend(e.mismatch(&task_actions(&e.text)));
                let n = e.text.to_ascii_lowercase();
                let parts: Vec<&str> = n
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|p| !p.is_empty())
                    .collect();
                if !e.does.is_empty() && !task.matches(&n, &parts) {
                    failures.push(format!(
                        "{}: task `{}` is not one this entry matches",
                        e.at, e.text
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
