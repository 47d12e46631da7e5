//! `rules/tools/commands.toml` read, checked and compiled: its shape as
//! written (serde), and the checks that make every mistake in it an error
//! naming its line (an unknown action, condition kind or handler, a
//! malformed pattern, a tool named twice, an entry that gives nothing).
//! What the compiled entries mean is [`tools`](super::tools)' business.

use super::table::{load_once, At, Example, Pattern, Reader};
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
pub(super) struct Commands {
    pub probes: Vec<String>,
    pub tools: Vec<Tool>,
    /// The entry of each tool name written without a pattern.
    pub literal: BTreeMap<String, usize>,
    /// The entries with a name that is a pattern (`pip3.*`).
    pub patterned: Vec<usize>,
    pub tasks: Vec<Task>,
}

/// One `[[tool]]`.
// `at` and `examples` are read by the tests, which run every example.
#[cfg_attr(not(test), allow(dead_code))]
pub(super) struct Tool {
    pub at: At,
    pub names: Vec<Pattern>,
    pub does: Vec<Action>,
    pub when: Vec<When>,
    pub examples: Vec<Example>,
}

/// One `when` of a tool: its conditions (an empty one always holds) and
/// what it gives.
pub(super) struct When {
    pub words: Vec<Pattern>,
    pub option: Vec<Pattern>,
    /// Option names with the pattern their value matches.
    pub option_value: Vec<(String, Pattern)>,
    pub arg: Vec<Pattern>,
    pub operand: Vec<Pattern>,
    pub no_args: bool,
    pub not_arg: Vec<Pattern>,
    pub handler: Option<ToolHandler>,
    pub does: Vec<Action>,
    pub targets: bool,
    pub environments: Vec<String>,
    pub default: Vec<Action>,
}

/// The checks a `when` may name with `handler =`.
#[derive(Debug, Clone, Copy)]
pub(super) enum ToolHandler {
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
pub(super) struct Task {
    pub at: At,
    /// Each entry of `parts`, as its words (`["pre", "commit"]`).
    pub parts: Vec<Vec<String>>,
    pub names: Vec<Pattern>,
    pub interpreter: bool,
    pub does: Vec<Action>,
    pub examples: Vec<Example>,
}

/// The compiled table; empty if it does not load (a test keeps that from shipping).
pub(super) fn table() -> &'static Commands {
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
    load_once(&TABLE, FILE, compile)
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
            .map(|e| {
                let x = e.get_ref();
                r.example(e.span(), &x.run, &BTreeMap::new(), &x.does)
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
            .map(|e| {
                let x = e.get_ref();
                r.example(e.span(), &x.task, &BTreeMap::new(), &x.does)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_loads() {
        if let Err(errors) = loaded() {
            panic!("{}", errors.join("\n"));
        }
        assert!(table().tools.len() > 50 && table().tasks.len() > 5);
    }

    /// Every example of every entry does what it says, and runs the tool
    /// of its own entry (a misplaced example would prove nothing about it).
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
