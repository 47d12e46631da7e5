//! `portfolio-audit rules ...`: list, check, test and explain rules.

use super::output::OutputArgs;
use super::{ListFormat as Format, RulesArg};
use crate::audit::examples::{flag_examples, run_all, Status};
use crate::exit_codes;
use crate::portfolio::reference;
use crate::portfolio::{read_rule_dir, FindingRule, Rule, RuleSet};
use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;

/// `portfolio-audit rules ...`: the subcommand, and where its output goes.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub command: RulesCommand,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, clap::Subcommand)]
pub enum RulesCommand {
    /// List the loaded rules: id, area, title.
    #[command(after_help = "Example:\n  portfolio-audit rules list --format json")]
    List {
        #[command(flatten)]
        rules: RulesArg,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Validate a folder of rules and run their examples; each problem as `file:line: reason`.
    #[command(after_help = "Example:\n  portfolio-audit rules check my-rules/")]
    Check {
        /// The folder of `*.toml` rules.
        dir: PathBuf,
    },
    /// Run the examples of every loaded rule (built-in plus --rules).
    #[command(after_help = "Example:\n  portfolio-audit rules test --rules my-rules/")]
    Test {
        #[command(flatten)]
        rules: RulesArg,
        /// Only these rule ids.
        ids: Vec<String>,
    },
    /// Show a rule or a finding: why it matters, the advice, its signals
    /// and levels (a finding: its severity and messages).
    #[command(
        after_help = "Examples:\n  portfolio-audit rules explain testing.unit\n  portfolio-audit rules explain sec.sql_injection"
    )]
    Explain {
        id: String,
        #[command(flatten)]
        rules: RulesArg,
    },
    /// List the structural features (`features = [...]`) and configuration facts (`facts = [...]`) rules can ask for.
    Features,
    /// List the repository metrics rules can use (`metric = ...`).
    Metrics,
    /// Print a Python file's tree-sitter syntax tree, to find node kinds for `syntax = [...]`.
    #[command(after_help = "Example:\n  portfolio-audit rules dump-tree example.py")]
    DumpTree { file: PathBuf },
}

fn load(arg: &RulesArg, err: &mut dyn Write) -> anyhow::Result<Option<RuleSet>> {
    loaded(RuleSet::with_dir(arg.rules.as_deref()), err)
}

/// The rules `rules list` shows: it neither runs nor shows examples, so the
/// built-in rules' are not parsed ([`RuleSet::compile_for_audit`]).
fn load_for_list(arg: &RulesArg, err: &mut dyn Write) -> anyhow::Result<Option<RuleSet>> {
    let mut sources = RuleSet::embedded_sources();
    let set = match arg.rules.as_deref().map(read_rule_dir).transpose() {
        Ok(custom) => {
            sources.extend(custom.into_iter().flatten());
            RuleSet::compile_for_audit(&sources)
        }
        Err(e) => Err(e),
    };
    loaded(set, err)
}

fn loaded(
    set: Result<RuleSet, crate::model::DataErrors>,
    err: &mut dyn Write,
) -> anyhow::Result<Option<RuleSet>> {
    match set {
        Ok(r) => Ok(Some(r)),
        Err(e) => {
            writeln!(err, "error: invalid rules:\n{e}")?;
            Ok(None)
        }
    }
}

pub fn run(args: &RulesArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let mut buffer = Vec::new();
    let code = run_command(&args.command, &mut buffer, err)?;
    args.output.write(&buffer, out)?;
    Ok(code)
}

fn run_command(cmd: &RulesCommand, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    match cmd {
        RulesCommand::List { rules, format } => {
            let Some(set) = load_for_list(rules, err)? else {
                return Ok(exit_codes::USAGE);
            };
            match format {
                Format::Json => {
                    let list: Vec<serde_json::Value> = set
                        .rules
                        .iter()
                        .map(|r| serde_json::json!({"id": r.id, "area": r.area, "title": r.title}))
                        .collect();
                    serde_json::to_writer_pretty(&mut *out, &list)?;
                    writeln!(out)?;
                }
                Format::Text => {
                    let width = set.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
                    for r in &set.rules {
                        writeln!(out, "{:width$}  {:14}  {}", r.id, r.area, r.title)?;
                    }
                }
            }
            Ok(exit_codes::OK)
        }
        RulesCommand::Check { dir } => {
            let sources = match read_rule_dir(dir) {
                Ok(s) => s,
                Err(e) => {
                    writeln!(err, "{e}")?;
                    return Ok(exit_codes::USAGE);
                }
            };
            if sources.is_empty() {
                writeln!(err, "{}: no *.toml rule files", dir.display())?;
                return Ok(exit_codes::USAGE);
            }
            let set = match RuleSet::compile(&sources) {
                Ok(s) => s,
                Err(e) => {
                    writeln!(err, "{e}")?;
                    return Ok(exit_codes::USAGE);
                }
            };
            report_examples(&set, None, false, out, err)
        }
        RulesCommand::Test { rules, ids } => {
            let Some(set) = load(rules, err)? else {
                return Ok(exit_codes::USAGE);
            };
            let only = (!ids.is_empty()).then_some(ids.as_slice());
            report_examples(&set, only, true, out, err)
        }
        RulesCommand::Explain { id, rules } => {
            let Some(set) = load(rules, err)? else {
                return Ok(exit_codes::USAGE);
            };
            let (rule, finding) = (set.rule(id), set.finding(id));
            if let Some(flag) = reference::copied_flag().filter(|f| f.id == *id) {
                writeln!(out, "{} — {} (flag)\n", flag.id, flag.title)?;
                writeln!(out, "Why: {}\n", flag.why)?;
                writeln!(out, "What to do: {}\n", flag.advice)?;
                writeln!(
                    out,
                    "Raised when the first commit already held {:.0}% or more of the Python lines (repositories of {} lines or more), or the layout matches a known template (rules/templates/).",
                    flag.first_commit_share * 100.0,
                    flag.min_lines
                )?;
                writeln!(out, "\nDefined in rules/flags/{}.toml", flag.id)?;
                return Ok(exit_codes::OK);
            }
            if rule.is_none() && finding.is_none() {
                writeln!(
                    err,
                    "error: no rule or finding `{id}`; `portfolio-audit rules list` shows the ids"
                )?;
                return Ok(exit_codes::USAGE);
            }
            if let Some(rule) = rule {
                explain_rule(&set, rule, out)?;
            }
            if let Some(f) = finding {
                if rule.is_some() {
                    writeln!(out)?;
                }
                explain_finding(&set, f, out)?;
            }
            Ok(exit_codes::OK)
        }
        RulesCommand::Features => {
            writeln!(out, "Python features (`features = [...]`):")?;
            for f in reference::features() {
                writeln!(out, "  {:24} {}", f.name, f.description)?;
            }
            writeln!(
                out,
                "\nConfiguration facts (`facts = [...]`, `name.*` for a group):"
            )?;
            for f in reference::facts() {
                writeln!(out, "  {:24} {}", f.name, f.description)?;
            }
            Ok(exit_codes::OK)
        }
        RulesCommand::Metrics => {
            for m in reference::metrics() {
                writeln!(out, "{:26} {}", m.name, m.description)?;
            }
            Ok(exit_codes::OK)
        }
        RulesCommand::DumpTree { file } => {
            let src = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            let src = String::from_utf8_lossy(&src);
            let tree = reference::syntax_tree(&src)
                .with_context(|| format!("reading {}", file.display()))?;
            writeln!(out, "{tree}")?;
            Ok(exit_codes::OK)
        }
    }
}

fn explain_rule(set: &RuleSet, rule: &Rule, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "{} — {} ({})\n", rule.id, rule.title, rule.area)?;
    writeln!(out, "Why: {}\n", rule.why)?;
    writeln!(out, "Next step when missing: {}\n", rule.advice)?;
    writeln!(out, "Signals:")?;
    for s in &set.signals[rule.signals.clone()] {
        let hint = if s.hint {
            " (hint: shown, never counted)"
        } else {
            ""
        };
        writeln!(
            out,
            "  {}{}{}",
            s.name,
            s.detail
                .as_ref()
                .map(|d| format!(": {d}"))
                .unwrap_or_default(),
            hint
        )?;
    }
    writeln!(out, "Levels:")?;
    for (i, l) in rule.levels.iter().enumerate() {
        let names = |ids: &[usize]| {
            ids.iter()
                .map(|&s| set.signals[s].name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut parts = Vec::new();
        if !l.all.is_empty() {
            let groups: Vec<String> = l
                .all
                .iter()
                .map(|g| names(g).replace(", ", " or "))
                .collect();
            parts.push(format!("all of [{}]", groups.join(", ")));
        }
        if !l.any.is_empty() {
            parts.push(format!("any of [{}]", names(&l.any)));
        }
        parts.push(format!("{} hit(s)", l.min));
        if l.min_files > 1 {
            parts.push(format!("in {} files", l.min_files));
        }
        if let Some((m, v)) = &l.metric {
            parts.push(format!("{m} >= {v}"));
        }
        writeln!(out, "  {}: {}", i + 1, parts.join(", "))?;
    }
    if let Some((ids, level)) = &rule.cap {
        writeln!(
            out,
            "Capped at level {level} while the audit reports {}",
            ids.join(" or ")
        )?;
    }
    writeln!(out, "\nDefined in {}", rule.source.display())?;
    Ok(())
}

fn explain_finding(set: &RuleSet, f: &FindingRule, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "{} — {} (finding, {})\n",
        f.id,
        f.title,
        f.severity.as_str()
    )?;
    writeln!(out, "Why: {}\n", f.why)?;
    writeln!(out, "What to do: {}\n", f.advice)?;
    writeln!(out, "Reported where (signal: message):")?;
    for s in &set.signals[f.signals.clone()] {
        writeln!(
            out,
            "  {}: {}",
            s.name,
            s.message.as_deref().unwrap_or_default()
        )?;
    }
    let (matching, quiet) = f.examples.iter().fold((0, 0), |(m, q), e| {
        if e.expect_match {
            (m + 1, q)
        } else {
            (m, q + 1)
        }
    });
    writeln!(
        out,
        "Examples: {matching} reported, {quiet} not (`portfolio-audit rules test {}` runs them)",
        f.id
    )?;
    writeln!(out, "\nDefined in {}", f.source.display())?;
    Ok(())
}

/// Runs the examples and prints the failures and a count; `builtin`: the
/// set includes the built-in data, so the built-in flag's examples run too.
fn report_examples(
    set: &RuleSet,
    only: Option<&[String]>,
    builtin: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<u8> {
    let mut results = run_all(set, only);
    let flag = reference::copied_flag().map(|f| f.id.clone());
    if builtin && only.is_none_or(|ids| flag.is_some_and(|f| ids.contains(&f))) {
        results.extend(flag_examples(set));
    }
    results.sort_by(|a, b| a.rule.cmp(&b.rule).then(a.line.cmp(&b.line)));
    let failed: Vec<_> = results
        .iter()
        .filter(|r| r.status != Status::Validated)
        .collect();
    for r in &failed {
        writeln!(err, "{}", r.describe())?;
    }
    let rules_without = set.rules.iter().filter(|r| r.examples.is_empty()).count();
    let findings = match set.findings.len() {
        0 => String::new(),
        n => format!(" {n} findings,"),
    };
    writeln!(
        out,
        "{} rules,{findings} {} examples: {} passed, {} failed{}",
        set.rules.len(),
        results.len(),
        results.len() - failed.len(),
        failed.len(),
        if rules_without > 0 {
            format!(" ({rules_without} rules have no example)")
        } else {
            String::new()
        }
    )?;
    Ok(if failed.is_empty() {
        exit_codes::OK
    } else {
        exit_codes::USAGE
    })
}
