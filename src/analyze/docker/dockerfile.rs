//! What a Dockerfile's instructions say about the image: its stages and
//! bases, who it runs as, how dependencies are installed, what it serves.
//!
//! Variables in `FROM` and `USER` are resolved from `ARG` defaults (global
//! ones for `FROM`) and `ENV` values when the file gives them; a value set
//! only by `--build-arg` stays as written. The image that runs is the last
//! stage, together with the earlier stages it builds on (`FROM base`), so
//! `USER`, `HEALTHCHECK`, `CMD` and `ENTRYPOINT` count only there.
//!
//! Instructions come parsed from `instructions`; their arguments are read
//! by `arguments`, image names by `image`, copies and `RUN`s by `layers`.

use super::arguments::{arg_defaults, env_pairs, exec_form, expand, healthcheck_command};
use super::command_actions;
use super::image::ImageRef;
use super::instructions::{self, Instruction};
use super::layers::{Content, Copy, Run};
use super::{
    DOCKER_COPY_FROM_STAGE, DOCKER_DEPS_BEFORE_CODE, DOCKER_FROM, DOCKER_HEALTHCHECK,
    DOCKER_INSTALLS_LOCKED, DOCKER_INSTALLS_REQUIREMENTS, DOCKER_MULTI_STAGE, DOCKER_NON_ROOT_USER,
    DOCKER_PINNED_BASE, DOCKER_SERVES_PRODUCTION, DOCKER_SLIM_BASE,
};
use crate::analyze::facts::ConfigFacts;
use crate::analyze::shell::{self, Action};
use std::collections::HashMap;

/// One build stage: a `FROM` and the instructions up to the next.
struct Stage<'a> {
    line: u32,
    /// The image as resolved (`python:3.12-slim`), or the earlier stage's name.
    image: String,
    name: Option<String>,
    /// The earlier stage this one builds on.
    parent: Option<usize>,
    instructions: Vec<&'a Instruction>,
}

/// States the facts of one Dockerfile.
pub fn analyze(text: &str) -> ConfigFacts {
    let parsed = instructions::parse(text);
    let mut out = ConfigFacts {
        problems: parsed.problems,
        ..ConfigFacts::default()
    };
    let mut global: HashMap<String, String> = HashMap::new();
    let mut stages: Vec<Stage> = Vec::new();
    let mut before_from: Option<&Instruction> = None;
    for ins in &parsed.instructions {
        match ins.keyword.as_str() {
            "FROM" => {
                let stage = from_stage(ins, &global, &stages);
                stages.push(stage);
            }
            "ARG" if stages.is_empty() => {
                for (k, v) in arg_defaults(&ins.args) {
                    if let Some(v) = v {
                        global.insert(k, v);
                    }
                }
            }
            _ => match stages.last_mut() {
                Some(s) => s.instructions.push(ins),
                None => {
                    before_from.get_or_insert(ins);
                }
            },
        }
    }
    if stages.is_empty() {
        if !parsed.instructions.is_empty() {
            out.problem("no FROM instruction: this Dockerfile builds no image");
        }
        return out;
    }
    if let Some(ins) = before_from {
        out.problem(format!(
            "line {}: {} before the first FROM (only ARG may come first)",
            ins.line, ins.keyword
        ));
    }
    out.problems.sort_by_key(|p| problem_line(p));
    for (i, s) in stages.iter().enumerate() {
        base_facts(i, s, &stages, &mut out);
        stage_facts(i, s, &stages, &mut out);
    }
    final_image_facts(&stages, &global, &mut out);
    out
}

/// The line a problem names (`line 3: ...`), to list problems in file order.
fn problem_line(p: &str) -> u32 {
    p.strip_prefix("line ")
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(u32::MAX)
}

fn from_stage<'a>(
    ins: &'a Instruction,
    global: &HashMap<String, String>,
    earlier: &[Stage],
) -> Stage<'a> {
    let words: Vec<&str> = ins
        .args
        .split_whitespace()
        .filter(|w| !w.starts_with("--"))
        .collect();
    let written = words.first().copied().unwrap_or("");
    let image = expand(written, &|k| global.get(k).cloned());
    let name = match words.get(1..) {
        Some([as_kw, name, ..]) if as_kw.eq_ignore_ascii_case("as") => {
            Some(name.to_ascii_lowercase())
        }
        _ => None,
    };
    let parent = earlier
        .iter()
        .position(|s| s.name.as_deref() == Some(image.to_ascii_lowercase().as_str()));
    Stage {
        line: ins.line,
        image,
        name,
        parent,
        instructions: Vec::new(),
    }
}

/// `docker.from`, the base image's facts, and `docker.multi_stage`.
fn base_facts(i: usize, s: &Stage, stages: &[Stage], out: &mut ConfigFacts) {
    let shown = match &s.name {
        Some(n) => format!("FROM {} AS {n}", s.image),
        None => format!("FROM {}", s.image),
    };
    out.fact(DOCKER_FROM, s.line, shown.clone());
    if stages.len() > 1 && i > 0 {
        out.fact(
            DOCKER_MULTI_STAGE,
            s.line,
            format!("stage {} of {}: {shown}", i + 1, stages.len()),
        );
    }
    if s.parent.is_some() || s.image.eq_ignore_ascii_case("scratch") || s.image.is_empty() {
        return;
    }
    let image = ImageRef::parse(&s.image);
    if image.is_slim() {
        out.fact(DOCKER_SLIM_BASE, s.line, format!("slim base {}", s.image));
    }
    if image.is_pinned() {
        out.fact(
            DOCKER_PINNED_BASE,
            s.line,
            format!("pinned base {}", s.image),
        );
    }
}

/// Facts of the instructions inside one stage: installs, copies between
/// stages, and the dependency layer before the code.
fn stage_facts(index: usize, s: &Stage, stages: &[Stage], out: &mut ConfigFacts) {
    // The layer-caching idiom: manifests copied, dependencies installed, then the code.
    let mut manifest_copy: Option<(u32, String)> = None;
    let mut code_copied = false;
    let mut layer_stated = false;
    for ins in &s.instructions {
        match ins.keyword.as_str() {
            "COPY" | "ADD" => {
                let copy = Copy::parse(ins);
                if let Some(from) = &copy.from {
                    if earlier_stage(from, index, stages) {
                        out.fact(
                            DOCKER_COPY_FROM_STAGE,
                            ins.line,
                            format!("{} --from={from}", ins.keyword),
                        );
                    }
                    continue;
                }
                match copy.content() {
                    Content::Manifests => {
                        if !code_copied && manifest_copy.is_none() {
                            manifest_copy = Some((
                                ins.line,
                                format!("{} {}", ins.keyword, copy.sources.join(" ")),
                            ));
                        }
                    }
                    Content::Code => code_copied = true,
                    Content::Neutral => {}
                }
            }
            "RUN" => {
                let run = Run::parse(ins);
                for (action, shown) in run.actions() {
                    let name = match action {
                        Action::InstallsRequirements => DOCKER_INSTALLS_REQUIREMENTS,
                        Action::InstallsLocked => DOCKER_INSTALLS_LOCKED,
                        _ => continue,
                    };
                    out.fact(name, ins.line, shown);
                }
                if !layer_stated && !code_copied && run.installs_dependencies() {
                    if let Some((line, shown)) = &manifest_copy {
                        out.fact(
                            DOCKER_DEPS_BEFORE_CODE,
                            *line,
                            format!("{shown}; installed at line {}", ins.line),
                        );
                        layer_stated = true;
                    } else if let Some(src) = run.mounted_manifest() {
                        out.fact(
                            DOCKER_DEPS_BEFORE_CODE,
                            ins.line,
                            format!("RUN --mount of {src}; installed at line {}", ins.line),
                        );
                        layer_stated = true;
                    }
                }
            }
            _ => {}
        }
    }
}

/// `--from=` names an earlier stage (by name or index), not another image.
fn earlier_stage(from: &str, index: usize, stages: &[Stage]) -> bool {
    let from = from.to_ascii_lowercase();
    if let Ok(n) = from.parse::<usize>() {
        return n < index;
    }
    stages[..index]
        .iter()
        .any(|s| s.name.as_deref() == Some(from.as_str()))
}

/// The stages that make the image that runs: the last one and those it
/// builds on, the base first.
fn final_chain(stages: &[Stage]) -> Vec<usize> {
    let mut chain = Vec::new();
    let mut at = Some(stages.len() - 1);
    while let Some(i) = at {
        if chain.contains(&i) {
            break;
        }
        chain.push(i);
        at = stages[i].parent;
    }
    chain.reverse();
    chain
}

/// Who the image runs as, its health check, and what it serves.
fn final_image_facts(stages: &[Stage], global: &HashMap<String, String>, out: &mut ConfigFacts) {
    let mut user: Option<(u32, String)> = None;
    let mut health: Option<(u32, Option<String>)> = None;
    let mut cmd: Option<&Instruction> = None;
    let mut entrypoint: Option<&Instruction> = None;
    let mut vars = global.clone();
    for &i in &final_chain(stages) {
        for ins in &stages[i].instructions {
            match ins.keyword.as_str() {
                "ARG" => {
                    for (k, v) in arg_defaults(&ins.args) {
                        match v {
                            Some(v) => {
                                vars.insert(k, v);
                            }
                            None => {
                                if let Some(g) = global.get(&k) {
                                    vars.insert(k, g.clone());
                                }
                            }
                        }
                    }
                }
                "ENV" => vars.extend(env_pairs(&ins.args)),
                "USER" => {
                    let written = ins.args.split_whitespace().next().unwrap_or("");
                    user = Some((ins.line, expand(written, &|k| vars.get(k).cloned())));
                }
                "HEALTHCHECK" => health = Some((ins.line, healthcheck_command(&ins.args))),
                "CMD" => cmd = Some(ins),
                "ENTRYPOINT" => entrypoint = Some(ins),
                _ => {}
            }
        }
    }
    match user {
        Some((line, u)) => {
            if !is_root(&u) {
                out.fact(DOCKER_NON_ROOT_USER, line, format!("USER {u}"));
            }
        }
        None => {
            // Without a USER, the base image's user runs: distroless
            // `:nonroot` tags and Chainguard images are not root.
            let base = &stages[final_chain(stages)[0]];
            let image = ImageRef::parse(&base.image);
            let nonroot = image.tag.is_some_and(|t| t.contains("nonroot"))
                || image.path.starts_with("cgr.dev/chainguard/");
            if base.parent.is_none() && nonroot {
                out.fact(
                    DOCKER_NON_ROOT_USER,
                    base.line,
                    format!("{} runs as nonroot", base.image),
                );
            }
        }
    }
    if let Some((line, Some(c))) = health {
        out.fact(DOCKER_HEALTHCHECK, line, format!("HEALTHCHECK {c}"));
    }
    serves(entrypoint, cmd, out);
}

/// `docker.serves_production`: the CMD, the ENTRYPOINT, or the two together
/// (`ENTRYPOINT ["gunicorn"]` + `CMD ["app:app", "-b", ":8000"]`).
fn serves(entrypoint: Option<&Instruction>, cmd: Option<&Instruction>, out: &mut ConfigFacts) {
    let form = |i: &Instruction| exec_form(&i.args);
    let mut candidates: Vec<(u32, Vec<String>)> = Vec::new();
    for ins in [entrypoint, cmd].into_iter().flatten() {
        match form(ins) {
            Some(words) => candidates.push((ins.line, words)),
            None => {
                for c in shell::commands(&ins.args) {
                    candidates.push((ins.line, c.words));
                }
            }
        }
    }
    if let (Some(e), Some(c)) = (entrypoint, cmd) {
        if let (Some(mut ew), Some(cw)) = (form(e), form(c)) {
            ew.extend(cw);
            candidates.push((e.line, ew));
        }
    }
    for (line, words) in candidates {
        if command_actions(&words).contains(&Action::Serves) {
            out.fact(
                DOCKER_SERVES_PRODUCTION,
                line,
                shell::Command { line: 0, words }.display(),
            );
            return;
        }
    }
}

/// `root`, `0`, `root:anything`, `0:0`: the user part names root.
fn is_root(user: &str) -> bool {
    let u = user.split(':').next().unwrap_or("").trim();
    u.is_empty() || u == "root" || u == "0"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Vec<(String, u32)> {
        let mut v: Vec<(String, u32)> = analyze(text)
            .facts
            .iter()
            .map(|f| (f.name.to_string(), f.line))
            .collect();
        v.sort();
        v
    }

    fn has(text: &str, name: &str) -> Vec<u32> {
        facts(text)
            .into_iter()
            .filter(|(n, _)| n == name)
            .map(|(_, l)| l)
            .collect()
    }

    #[test]
    fn global_arg_defaults_resolve_in_from() {
        let t = "ARG PY=3.11\nARG VARIANT\nFROM python:${PY}-slim\nFROM python:${VARIANT}\n";
        assert_eq!(has(t, "docker.pinned_base"), vec![3]);
        assert_eq!(has(t, "docker.slim_base"), vec![3]);
        let d = analyze(t);
        assert!(d.facts.iter().any(|f| f.detail == "FROM python:3.11-slim"));
    }

    #[test]
    fn the_user_that_runs_is_the_last_of_the_final_stage() {
        // A USER in a builder stage does not change the final image.
        assert!(has(
            "FROM python:3.12 AS b\nUSER app\nFROM python:3.12\nCOPY --from=b /x /x\n",
            "docker.non_root_user"
        )
        .is_empty());
        // The final stage builds on a stage that switched user.
        assert_eq!(
            has(
                "FROM python:3.12 AS base\nUSER app\nFROM base\nCMD x\n",
                "docker.non_root_user"
            ),
            vec![2]
        );
        assert!(has("FROM x\nUSER app\nUSER root:root\n", "docker.non_root_user").is_empty());
        assert!(has("FROM x\nUSER 0:0\n", "docker.non_root_user").is_empty());
        assert_eq!(
            has("FROM x\nUSER 1000:1000\n", "docker.non_root_user"),
            vec![2]
        );
        assert_eq!(
            has("FROM x\nARG U=app\nUSER ${U}\n", "docker.non_root_user"),
            vec![3]
        );
        assert!(has("FROM x\nENV U=root\nUSER $U\n", "docker.non_root_user").is_empty());
        // A base that runs as nonroot, unless a USER says otherwise.
        assert_eq!(has("FROM python:3.12 AS b\nFROM gcr.io/distroless/python3:nonroot\nCOPY --from=b /a /a\n", "docker.non_root_user"), vec![2]);
        assert!(has(
            "FROM gcr.io/distroless/python3:nonroot\nUSER root\n",
            "docker.non_root_user"
        )
        .is_empty());
    }

    #[test]
    fn dependency_layer_before_the_code() {
        let good = "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n";
        assert_eq!(has(good, "docker.deps_before_code"), vec![3]);
        let bad = "FROM python:3.12-slim\nCOPY . .\nRUN pip install -r requirements.txt\n";
        assert!(has(bad, "docker.deps_before_code").is_empty());
        let upgrade_only = "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install --upgrade pip\nCOPY . .\nRUN pip install -r requirements.txt\n";
        assert!(has(upgrade_only, "docker.deps_before_code").is_empty());
        let lock = "FROM python:3.12\nCOPY pyproject.toml uv.lock README.md ./\nRUN uv sync --frozen --no-install-project\nCOPY src ./src\n";
        assert_eq!(has(lock, "docker.deps_before_code"), vec![2]);
        let url_first = "FROM python:3.12\nADD https://example.com/tool.tgz /opt/\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n";
        assert_eq!(has(url_first, "docker.deps_before_code"), vec![3]);
        let mount = "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache \\\n    --mount=type=bind,source=requirements.txt,target=r.txt \\\n    pip install -r r.txt\nCOPY . .\n";
        assert_eq!(has(mount, "docker.deps_before_code"), vec![2]);
    }

    #[test]
    fn multi_stage_and_copies_between_stages() {
        let t = "FROM python:3.12 AS build\nRUN pip wheel -r requirements.txt -w /w\nFROM python:3.12-slim\nCOPY --from=build /w /w\nCOPY --from=0 /x /x\nCOPY --from=nginx:1.25 /etc/nginx /etc/nginx\n";
        assert_eq!(has(t, "docker.multi_stage"), vec![3]);
        assert_eq!(has(t, "docker.copy_from_stage"), vec![4, 5]);
        assert!(has("FROM python:3.12 AS app\nCOPY . .\n", "docker.multi_stage").is_empty());
    }

    #[test]
    fn servers_in_exec_shell_and_split_forms() {
        assert_eq!(
            has(
                "FROM x\nCMD [\"gunicorn\", \"app:app\", \"-b\", \"0.0.0.0:8000\"]\n",
                "docker.serves_production"
            ),
            vec![2]
        );
        assert_eq!(
            has(
                "FROM x\nCMD gunicorn -w 4 app:app\n",
                "docker.serves_production"
            ),
            vec![2]
        );
        assert_eq!(
            has(
                "FROM x\nENTRYPOINT [\"gunicorn\"]\nCMD [\"app.wsgi:application\"]\n",
                "docker.serves_production"
            ),
            vec![2]
        );
        assert_eq!(has("FROM x\nCMD [\"sh\", \"-c\", \"alembic upgrade head && uvicorn app:app --host 0.0.0.0\"]\n", "docker.serves_production"), vec![2]);
        assert!(has(
            "FROM x\nCMD [\"flask\", \"run\"]\n",
            "docker.serves_production"
        )
        .is_empty());
        // Only the final image's command counts.
        assert!(has(
            "FROM x AS a\nCMD gunicorn app:app\nFROM y\nCMD python main.py\n",
            "docker.serves_production"
        )
        .is_empty());
    }

    #[test]
    fn healthcheck_and_none() {
        assert_eq!(has("FROM x\nHEALTHCHECK --interval=30s \\\n  CMD curl -f http://localhost/ || exit 1\n", "docker.healthcheck"), vec![2]);
        assert!(has("FROM x\nHEALTHCHECK NONE\n", "docker.healthcheck").is_empty());
        assert!(has(
            "FROM x\nHEALTHCHECK CMD true\nHEALTHCHECK NONE\n",
            "docker.healthcheck"
        )
        .is_empty());
    }

    #[test]
    fn installs_from_heredoc_scripts() {
        let t = "FROM python:3.12\nCOPY requirements.txt .\nRUN <<EOF\nset -e\npip install -r requirements.txt\nEOF\nCOPY . .\nRUN python3 <<EOF\nimport subprocess\nEOF\nUSER app\n";
        let f = facts(t);
        assert!(
            f.contains(&("docker.installs_requirements".into(), 3)),
            "{f:?}"
        );
        assert!(f.contains(&("docker.deps_before_code".into(), 2)), "{f:?}");
        assert!(f.contains(&("docker.non_root_user".into(), 11)), "{f:?}");
    }

    #[test]
    fn files_without_from_are_problems() {
        assert_eq!(
            analyze("RUN echo hi\n").problems,
            vec!["no FROM instruction: this Dockerfile builds no image"]
        );
        assert!(analyze("").problems.is_empty());
        assert!(analyze("# just a comment\n").facts.is_empty());
    }
}
