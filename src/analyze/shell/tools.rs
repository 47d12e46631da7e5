//! What a tool does once the wrappers are off, as
//! `rules/tools/commands.toml` says: by its name, its subcommand and its
//! options (`pytest --cov`, `docker buildx build`, `uvicorn --workers`),
//! and what a task (a make target, a tox environment) does by its name.
//!
//! The table is read on first use and checked: an unknown action,
//! condition or handler, or a malformed pattern, is an error naming its
//! line. This module evaluates the table's conditions, and holds the
//! checks too particular to be data (`ssh_remote`, `remote_destination`,
//! `interpreter`), which entries name as handlers.

use super::table::{At, Pattern, Reader};
use super::wrappers::script_actions;
use super::Action;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use toml::Spanned;

/// The table's file in `rules/tools/`.
const FILE: &str = "commands.toml";

/// `commands.toml` as written; the format is described at its top.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDe {
    probes: Vec<String>,
    #[serde(default)]
    tool: Vec<Spanned<ToolDe>>,
    #[serde(default)]
    task: Vec<Spanned<TaskDe>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolDe {
    names: Vec<Spanned<String>>,
    #[serde(default)]
    does: Vec<Spanned<String>>,
    #[serde(default)]
    when: Vec<Spanned<WhenDe>>,
    #[serde(default)]
    examples: Vec<Spanned<ToolExampleDe>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenDe {
    #[serde(default)]
    words: Vec<Spanned<String>>,
    #[serde(default)]
    option: Vec<Spanned<String>>,
    #[serde(default)]
    option_value: Vec<Spanned<String>>,
    #[serde(default)]
    arg: Vec<Spanned<String>>,
    #[serde(default)]
    operand: Vec<Spanned<String>>,
    #[serde(default)]
    no_args: bool,
    #[serde(default)]
    not_arg: Vec<Spanned<String>>,
    handler: Option<Spanned<String>>,
    #[serde(default)]
    does: Vec<Spanned<String>>,
    #[serde(default)]
    targets: bool,
    #[serde(default)]
    environments: Vec<String>,
    #[serde(default)]
    default: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolExampleDe {
    run: String,
    does: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskDe {
    #[serde(default)]
    parts: Vec<Spanned<String>>,
    #[serde(default)]
    names: Vec<Spanned<String>>,
    handler: Option<Spanned<String>>,
    does: Vec<Spanned<String>>,
    #[serde(default)]
    examples: Vec<Spanned<TaskExampleDe>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskExampleDe {
    task: String,
    does: Vec<Spanned<String>>,
}

/// The table, compiled.
struct Commands {
    probes: Vec<String>,
    tools: Vec<Tool>,
    /// The entry of each tool name written without a pattern.
    literal: BTreeMap<String, usize>,
    /// The entries with a name that is a pattern (`pip3.*`).
    patterned: Vec<usize>,
    tasks: Vec<Task>,
}

/// One `[[tool]]`.
// `at` and `examples` are read by the tests, which run every example.
#[cfg_attr(not(test), allow(dead_code))]
struct Tool {
    at: At,
    names: Vec<Pattern>,
    does: Vec<Action>,
    when: Vec<When>,
    examples: Vec<Example>,
}

/// One `when` of a tool: its conditions (an empty one always holds) and
/// what it gives.
struct When {
    words: Vec<Pattern>,
    option: Vec<Pattern>,
    /// Option names with the pattern their value matches.
    option_value: Vec<(String, Pattern)>,
    arg: Vec<Pattern>,
    operand: Vec<Pattern>,
    no_args: bool,
    not_arg: Vec<Pattern>,
    handler: Option<ToolHandler>,
    does: Vec<Action>,
    targets: bool,
    environments: Vec<String>,
    default: Vec<Action>,
}

/// The checks a `when` may name with `handler =`.
#[derive(Debug, Clone, Copy)]
enum ToolHandler {
    SshRemote,
    RemoteDestination,
}

const TOOL_HANDLERS: &[(&str, ToolHandler)] = &[
    ("ssh_remote", ToolHandler::SshRemote),
    ("remote_destination", ToolHandler::RemoteDestination),
];

/// The checks a `[[task]]` may name with `handler =`.
const TASK_HANDLERS: &[&str] = &["interpreter"];

/// One `[[task]]`.
// `at` and `examples` are read by the tests, which run every example.
#[cfg_attr(not(test), allow(dead_code))]
struct Task {
    at: At,
    /// Each entry of `parts`, as its words (`["pre", "commit"]`).
    parts: Vec<Vec<String>>,
    names: Vec<Pattern>,
    interpreter: bool,
    does: Vec<Action>,
    examples: Vec<Example>,
}

/// An example of an entry: a script or a task name, and what it does.
// `at` and `examples` are read by the tests, which run every example.
#[cfg_attr(not(test), allow(dead_code))]
struct Example {
    at: At,
    text: String,
    does: Vec<Action>,
}

/// The compiled table; empty if it does not load (a test keeps that from shipping).
fn table() -> &'static Commands {
    static EMPTY: Commands = Commands {
        probes: Vec::new(),
        tools: Vec::new(),
        literal: BTreeMap::new(),
        patterned: Vec::new(),
        tasks: Vec::new(),
    };
    loaded().as_ref().unwrap_or(&EMPTY)
}

fn loaded() -> &'static Result<Commands, Vec<String>> {
    static TABLE: OnceLock<Result<Commands, Vec<String>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let (file, reader) = Reader::open(FILE)?;
        compile(file, reader)
    })
}

/// Checks the table as read and compiles it; every error names its line.
fn compile(file: FileDe, mut r: Reader) -> Result<Commands, Vec<String>> {
    let mut named: BTreeMap<String, At> = BTreeMap::new();
    let tools: Vec<Tool> = file
        .tool
        .iter()
        .map(|t| compile_tool(&mut r, t, &mut named))
        .collect();
    let mut literal = BTreeMap::new();
    let mut patterned = Vec::new();
    for (i, t) in file.tool.iter().enumerate() {
        for n in &t.get_ref().names {
            if is_pattern(n.get_ref()) {
                patterned.push(i);
            } else {
                literal.entry(n.get_ref().clone()).or_insert(i);
            }
        }
    }
    patterned.dedup();
    let tasks = file.task.iter().map(|t| compile_task(&mut r, t)).collect();
    r.finish(Commands {
        probes: file.probes,
        tools,
        literal,
        patterned,
        tasks,
    })
}

fn compile_tool(r: &mut Reader, t: &Spanned<ToolDe>, named: &mut BTreeMap<String, At>) -> Tool {
    let d = t.get_ref();
    if d.names.is_empty() {
        r.error(t.span(), "a tool without `names`");
    }
    for n in &d.names {
        let text = n.get_ref();
        if text.is_empty() {
            r.error(n.span(), "an empty tool name");
        } else if !is_pattern(text) {
            let at = r.at(n.span());
            if let Some(first) = named.get(text) {
                r.error(n.span(), format!("`{text}` is already named at {first}"));
            } else {
                named.insert(text.clone(), at);
            }
        }
    }
    if d.does.is_empty() && d.when.is_empty() {
        r.error(
            t.span(),
            "a tool that does nothing: give it `does` or `when`",
        );
    }
    Tool {
        at: r.at(t.span()),
        names: r.patterns(&d.names, true),
        does: r.actions(&d.does),
        when: d.when.iter().map(|w| compile_when(r, w)).collect(),
        examples: d
            .examples
            .iter()
            .map(|e| Example {
                at: r.at(e.span()),
                text: e.get_ref().run.clone(),
                does: r.actions(&e.get_ref().does),
            })
            .collect(),
    }
}

/// Whether a name is a pattern rather than one word.
fn is_pattern(name: &str) -> bool {
    name.contains(['*', '|', '!'])
}

fn compile_when(r: &mut Reader, w: &Spanned<WhenDe>) -> When {
    let d = w.get_ref();
    let handler = d.handler.as_ref().and_then(|h| {
        let found = TOOL_HANDLERS.iter().find(|(n, _)| n == h.get_ref());
        if found.is_none() {
            let known: Vec<&str> = TOOL_HANDLERS.iter().map(|(n, _)| *n).collect();
            r.error(
                h.span(),
                format!(
                    "unknown handler `{}`, expected one of: {}",
                    h.get_ref(),
                    known.join(", ")
                ),
            );
        }
        found.map(|(_, k)| *k)
    });
    let mut option_value = Vec::new();
    for ov in &d.option_value {
        match ov.get_ref().split_once('=') {
            Some((name, value)) if name.starts_with('-') => match Pattern::parse(value) {
                Ok(p) => option_value.push((name.to_string(), p)),
                Err(e) => r.error(ov.span(), e),
            },
            _ => r.error(
                ov.span(),
                format!(
                    "`{}` is not OPTION=VALUE (`--host=0.0.0.0`, `-r=*`)",
                    ov.get_ref()
                ),
            ),
        }
    }
    let conditions = !(d.words.is_empty()
        && d.option.is_empty()
        && d.option_value.is_empty()
        && d.arg.is_empty()
        && d.operand.is_empty()
        && d.not_arg.is_empty())
        || d.no_args
        || d.handler.is_some();
    let tasks = d.targets || !d.environments.is_empty();
    if d.does.is_empty() && !tasks {
        r.error(
            w.span(),
            "a `when` that gives nothing: add `does`, `targets` or `environments`",
        );
    }
    if !conditions && !tasks {
        r.error(
            w.span(),
            "a `when` without a condition: put its `does` in the tool's",
        );
    }
    if !d.default.is_empty() && d.environments.is_empty() {
        r.error(
            w.span(),
            "`default` is what `environments` gives when none is named: add `environments`",
        );
    }
    When {
        words: r.patterns(&d.words, false),
        option: r.patterns(&d.option, false),
        option_value,
        arg: r.patterns(&d.arg, false),
        operand: r.patterns(&d.operand, false),
        no_args: d.no_args,
        not_arg: r.patterns(&d.not_arg, false),
        handler,
        does: r.actions(&d.does),
        targets: d.targets,
        environments: d.environments.clone(),
        default: r.actions(&d.default),
    }
}

fn compile_task(r: &mut Reader, t: &Spanned<TaskDe>) -> Task {
    let d = t.get_ref();
    let mut parts = Vec::new();
    for p in &d.parts {
        let words: Vec<String> = p.get_ref().split(' ').map(str::to_string).collect();
        let ok = words.iter().all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
        if ok {
            parts.push(words);
        } else {
            r.error(
                p.span(),
                format!(
                    "`{}`: a part is lowercase letters and digits, or two parts in a row separated by a space (`pre commit`)",
                    p.get_ref()
                ),
            );
        }
    }
    let interpreter = match &d.handler {
        Some(h) if TASK_HANDLERS.contains(&h.get_ref().as_str()) => true,
        Some(h) => {
            r.error(
                h.span(),
                format!(
                    "unknown handler `{}`, expected one of: {}",
                    h.get_ref(),
                    TASK_HANDLERS.join(", ")
                ),
            );
            false
        }
        None => false,
    };
    if d.parts.is_empty() && d.names.is_empty() && d.handler.is_none() {
        r.error(t.span(), "a task entry needs `parts`, `names` or `handler`");
    }
    if d.does.is_empty() {
        r.error(t.span(), "a task entry that does nothing");
    }
    Task {
        at: r.at(t.span()),
        parts,
        names: r.patterns(&d.names, true),
        interpreter,
        does: r.actions(&d.does),
        examples: d
            .examples
            .iter()
            .map(|e| Example {
                at: r.at(e.span()),
                text: e.get_ref().task.clone(),
                does: r.actions(&e.get_ref().does),
            })
            .collect(),
    }
}

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

    fn names(acts: &[Action]) -> String {
        let v: Vec<&str> = acts.iter().map(|a| a.name()).collect();
        format!("[{}]", v.join(", "))
    }

    fn sorted(acts: &[Action]) -> Vec<Action> {
        let mut v = acts.to_vec();
        v.sort();
        v.dedup();
        v
    }

    #[test]
    fn the_table_loads() {
        if let Err(errors) = loaded() {
            panic!("{}", errors.join("\n"));
        }
        assert!(table().tools.len() > 50 && table().tasks.len() > 5);
    }

    /// Every example of every entry does what it says, and runs the tool
    /// of its own entry (a misplaced example would prove nothing about it).
    #[test]
    fn every_example_holds() {
        let table = table();
        let mut failures = Vec::new();
        for (i, tool) in table.tools.iter().enumerate() {
            if tool.examples.is_empty() {
                failures.push(format!("{}: a tool without examples", tool.at));
            }
            for e in &tool.examples {
                let got = acts(&e.text);
                if got != sorted(&e.does) {
                    failures.push(format!(
                        "{}: `{}` does {}, the example says {}",
                        e.at,
                        e.text,
                        names(&got),
                        names(&e.does)
                    ));
                }
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
                let got = task_actions(&e.text);
                if got != sorted(&e.does) {
                    failures.push(format!(
                        "{}: task `{}` does {}, the example says {}",
                        e.at,
                        e.text,
                        names(&got),
                        names(&e.does)
                    ));
                }
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

    fn errors(text: &'static str) -> Vec<String> {
        match Reader::parse::<FileDe>(FILE, text).and_then(|(f, r)| compile(f, r)) {
            Ok(_) => Vec::new(),
            Err(e) => e,
        }
    }

    #[test]
    fn malformed_tables_are_errors_at_their_line() {
        let e = errors("probes = []\n[[tool]]\nnames = [\"x\"]\ndoes = [\"tests\"]\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("rules/tools/commands.toml:4: unknown action `tests`, expected one of: runs_tests, coverage"),
            "{e:?}"
        );
        let e = errors("probes = []\n[[tool]]\nnames = [\"x\"]\nwhen = [\n  { optoin = [\"--x\"], does = [\"lints\"] },\n]\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("rules/tools/commands.toml:5: unknown field `optoin`"),
            "{e:?}"
        );
        let e = errors("probes = []\n[[tool]]\nnames = [\"x\"]\nwhen = [{ handler = \"ftp\", does = [\"deploys\"] }]\n");
        assert!(
            e[0].starts_with("rules/tools/commands.toml:4: unknown handler `ftp`, expected one of: ssh_remote, remote_destination"),
            "{e:?}"
        );
        let e = errors(concat!(
            "probes = []\n",
            "[[tool]]\n",
            "names = [\"X\", \"y||z\"]\n",
            "when = [{ option_value = [\"--host\"], does = [\"serves\"] }, { does = [\"lints\"] }]\n",
            "[[tool]]\n",
            "names = [\"w\", \"w\"]\n",
            "[[task]]\n",
            "parts = [\"pre-commit\"]\n",
            "does = []\n",
        ));
        let want = [
            "rules/tools/commands.toml:3: `X` is matched against lowercased text: write it `x`",
            "rules/tools/commands.toml:3: `y||z` has an empty alternative",
            "rules/tools/commands.toml:4: `--host` is not OPTION=VALUE",
            "rules/tools/commands.toml:4: a `when` without a condition",
            "rules/tools/commands.toml:6: `w` is already named at rules/tools/commands.toml:6",
            "rules/tools/commands.toml:5: a tool that does nothing",
            "rules/tools/commands.toml:8: `pre-commit`: a part is lowercase letters and digits",
            "rules/tools/commands.toml:7: a task entry that does nothing",
        ];
        for w in want {
            assert!(e.iter().any(|x| x.starts_with(w)), "no `{w}` in {e:#?}");
        }
        assert_eq!(e.len(), want.len(), "{e:#?}");
    }
}
