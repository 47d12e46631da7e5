//! What `COPY`/`ADD` and `RUN` instructions do to the image: whether a
//! copy brings dependency manifests or the code, and which commands a
//! `RUN` runs (its line, its heredoc script) and whether they install the
//! project's dependencies. `dockerfile` orders them into the layer facts.

use super::arguments::exec_form;
use super::command_actions;
use super::instructions::Instruction;
use crate::analyze::manifest::Manifest;
use crate::analyze::shell::{self, Action};

/// What a COPY or ADD brings into the image.
pub(super) struct Copy {
    pub from: Option<String>,
    pub sources: Vec<String>,
}

pub(super) enum Content {
    /// Only dependency manifests (and files such as a README that builds read).
    Manifests,
    /// Anything else: the application's code.
    Code,
    /// Nothing that counts either way (a heredoc, a README alone).
    Neutral,
}

impl Copy {
    pub fn parse(ins: &Instruction) -> Copy {
        let mut from = None;
        let mut rest = ins.args.trim();
        while rest.starts_with("--") {
            let (flag, r) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            if let Some(v) = flag.strip_prefix("--from=") {
                from = Some(v.to_string());
            }
            rest = r.trim_start();
        }
        let mut words: Vec<String> = match exec_form(rest) {
            Some(w) => w,
            None => rest.split_whitespace().map(str::to_string).collect(),
        };
        // The last word is the destination.
        words.pop();
        let markers: Vec<&str> = ins.heredocs.iter().map(|h| h.marker.as_str()).collect();
        words.retain(|w| !markers.contains(&w.as_str()));
        Copy {
            from,
            sources: words,
        }
    }

    pub fn content(&self) -> Content {
        let mut manifests = false;
        for s in &self.sources {
            match source_kind(s) {
                SourceKind::Manifest => manifests = true,
                SourceKind::Neutral => {}
                SourceKind::Code => return Content::Code,
            }
        }
        if manifests {
            Content::Manifests
        } else {
            Content::Neutral
        }
    }
}

enum SourceKind {
    Manifest,
    Neutral,
    Code,
}

/// Files that declare dependencies: copying them alone lets the install
/// layer be cached until they change. Python's are the dependency
/// manifests and lock files the manifest analyzer reads (not the tools'
/// configuration files), `setup.py` and a `requirements/` folder; the
/// front end's are npm's and yarn's.
fn is_manifest(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let python = !matches!(Manifest::of_path(&n), None | Some(Manifest::Tool(_)));
    python
        || matches!(
            n.as_str(),
            "setup.py"
                | "requirements"
                | "package.json"
                | "package-lock.json"
                | "yarn.lock"
                | "pnpm-lock.yaml"
        )
}

fn source_kind(source: &str) -> SourceKind {
    let s = source.trim_end_matches('/');
    let name = s.rsplit('/').next().unwrap_or(s);
    let lower = name.to_ascii_lowercase();
    if is_manifest(name) {
        SourceKind::Manifest
    } else if source.contains("://")
        || lower.starts_with("readme")
        || lower.starts_with("license")
        || lower == ".python-version"
    {
        SourceKind::Neutral
    } else {
        SourceKind::Code
    }
}

/// A RUN instruction: its flags, its command line and the scripts it runs.
pub(super) struct Run<'a> {
    flags: Vec<&'a str>,
    /// Each simple command's words, from the line and the heredoc scripts.
    commands: Vec<Vec<String>>,
}

impl<'a> Run<'a> {
    pub fn parse(ins: &'a Instruction) -> Run<'a> {
        let mut flags = Vec::new();
        let mut rest = ins.args.trim();
        while rest.starts_with("--") {
            let (flag, r) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            flags.push(flag);
            rest = r.trim_start();
        }
        let mut commands: Vec<Vec<String>> = Vec::new();
        if let Some(words) = exec_form(rest) {
            commands.push(words);
            return Run { flags, commands };
        }
        let markers: Vec<&str> = ins.heredocs.iter().map(|h| h.marker.as_str()).collect();
        let line: String = rest
            .split_whitespace()
            .filter(|w| !markers.iter().any(|m| w.ends_with(m)))
            .collect::<Vec<_>>()
            .join(" ");
        let line_cmds = shell::commands(&line);
        // `RUN <<EOF` (or `RUN bash <<EOF`) runs the body as a script; `RUN
        // python3 <<EOF` feeds it to another program.
        let runs_body = line_cmds.is_empty()
            || line_cmds
                .first()
                .and_then(|c| c.words.first())
                .is_some_and(|w| {
                    matches!(
                        w.rsplit('/').next().unwrap_or(w),
                        "sh" | "bash" | "ash" | "dash" | "zsh"
                    )
                });
        commands.extend(line_cmds.into_iter().map(|c| c.words));
        if runs_body {
            if let Some(h) = ins.heredocs.first() {
                commands.extend(shell::commands(&h.body).into_iter().map(|c| c.words));
            }
        }
        Run { flags, commands }
    }

    /// Each action with the command that does it.
    pub fn actions(&self) -> Vec<(Action, String)> {
        let mut out = Vec::new();
        for words in &self.commands {
            for a in command_actions(words) {
                out.push((
                    a,
                    shell::Command {
                        line: 0,
                        words: words.clone(),
                    }
                    .display(),
                ));
            }
        }
        out
    }

    /// Installs the project's dependencies from its manifests: a lock sync,
    /// `pip install -r`, `pip wheel -r`, `poetry install`, `conda env create`,
    /// `npm ci`, ... (`pip install --upgrade pip` installs none of them).
    pub fn installs_dependencies(&self) -> bool {
        self.commands.iter().any(|w| {
            command_actions(w)
                .iter()
                .any(|a| matches!(a, Action::InstallsLocked | Action::InstallsRequirements))
                || installs_from_manifest(w)
        })
    }

    /// `--mount=type=bind,source=requirements.txt,...`: a manifest bound
    /// into the RUN instead of copied.
    pub fn mounted_manifest(&self) -> Option<&'a str> {
        self.flags.iter().find_map(|f| {
            let spec = f.strip_prefix("--mount=")?;
            let mut bind = false;
            let mut source = None;
            for part in spec.split(',') {
                match part.split_once('=') {
                    Some(("type", "bind")) => bind = true,
                    Some(("source" | "src", s)) => source = Some(s),
                    _ => {}
                }
            }
            source.filter(|s| bind && matches!(source_kind(s), SourceKind::Manifest))
        })
    }
}

/// A package manager installing what the copied manifests declare.
fn installs_from_manifest(words: &[String]) -> bool {
    let base = |w: &String| w.rsplit('/').next().unwrap_or(w).to_ascii_lowercase();
    let has = |opts: &[&str]| {
        words.iter().any(|a| {
            opts.iter()
                .any(|o| a == o || a.starts_with(&format!("{o}=")))
        })
    };
    words.iter().enumerate().any(|(i, w)| {
        let sub = words.get(i + 1).map(|s| s.as_str()).unwrap_or("");
        match base(w).as_str() {
            "pip" | "pip3" => {
                matches!(sub, "install" | "wheel" | "download")
                    && (has(&["-r", "--requirement"])
                        || words.iter().any(|a| a.starts_with("-r") && a.len() > 2))
            }
            "poetry" | "pipenv" | "pdm" => matches!(sub, "install" | "sync"),
            "uv" => sub == "sync",
            "conda" | "mamba" | "micromamba" => {
                sub == "env" || (sub == "install" && has(&["-f", "--file"]))
            }
            "npm" => matches!(sub, "ci" | "install" | "i"),
            "yarn" => i == 0 && (sub.is_empty() || sub == "install" || sub.starts_with('-')),
            "pnpm" => matches!(sub, "install" | "i"),
            _ => false,
        }
    })
}
