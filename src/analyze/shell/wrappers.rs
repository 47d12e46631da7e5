//! What only runs another command, taken off to find the tool that does
//! the work: assignments, `sudo`, `uv run`, `python -m`, `coverage run`
//! (which also measures coverage), `docker compose run SERVICE`, `bash -c
//! SCRIPT`, a Python or shell script run by its name.

use super::{base_name, classify, commands, task_actions, Action};

fn is_python(name: &str) -> bool {
    let n = name.strip_suffix(".exe").unwrap_or(name);
    n == "py"
        || n.strip_prefix("python")
            .or_else(|| n.strip_prefix("pypy"))
            .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Options of wrapper commands that take a value as the next word.
const VALUED_OPTIONS: &[&str] = &[
    "--with",
    "--extra",
    "--group",
    "--only-group",
    "-p",
    "--python",
    "--env-file",
    "--directory",
    "--project",
    "--package",
    "-n",
    "--name",
    "--prefix",
    "-e",
    "--env",
    "-w",
    "--workdir",
    "-u",
    "--user",
    "--entrypoint",
    "-v",
    "--volume",
    "-f",
    "--file",
    "--profile",
];

/// Skips a wrapper's options (and their values) up to the wrapped command.
fn skip_options(words: &[String]) -> &[String] {
    skip_options_taking(words, VALUED_OPTIONS)
}

/// Skips options, and the value of those in `valued`, up to the first word
/// that is not one.
fn skip_options_taking<'w>(words: &'w [String], valued: &[&str]) -> &'w [String] {
    let mut i = 0;
    while i < words.len() && words[i].starts_with('-') {
        let opt = words[i].as_str();
        i += 1;
        if !opt.contains('=') && valued.contains(&opt) {
            i += 1;
        }
    }
    &words[i.min(words.len())..]
}

/// Takes off what only runs another command: assignments, `sudo`, `uv run`,
/// `python -m`, `coverage run` (which also measures coverage), ...
pub(super) fn unwrap<'w>(mut w: &'w [String], acts: &mut Vec<Action>) -> &'w [String] {
    // Each round removes at least one word, so this ends.
    loop {
        while w.first().is_some_and(|x| is_assignment(x)) {
            w = &w[1..];
        }
        let Some(first) = w.first() else { return w };
        let name = base_name(first);
        let sub = w.get(1).map(String::as_str);
        let next: &[String] = match (name.as_str(), sub) {
            ("then" | "else" | "elif" | "do" | "if" | "while" | "until" | "!" | "{", _) => &w[1..],
            (
                "sudo" | "time" | "exec" | "nohup" | "xvfb-run" | "command" | "env" | "timeout"
                | "sshpass",
                _,
            ) => {
                let mut rest = skip_options(&w[1..]);
                if name == "timeout" && !rest.is_empty() {
                    rest = &rest[1..];
                }
                rest
            }
            (
                "uv" | "poetry" | "pipenv" | "pdm" | "rye" | "pixi" | "conda" | "mamba"
                | "micromamba",
                Some("run"),
            ) => skip_options(&w[2..]),
            ("hatch", Some("run")) => {
                let rest = skip_options(&w[2..]);
                // `hatch run test:cov` runs script `cov` of env `test`.
                if let Some((_, script)) = rest.first().and_then(|f| f.split_once(':')) {
                    acts.extend(task_actions(script));
                    return &[];
                }
                rest
            }
            ("sh" | "bash" | "zsh" | "dash", _) => {
                // `bash -c "pytest && ruff check ."`: the script is one word.
                if let Some(i) = w.iter().position(|a| a == "-c" || a == "-ec" || a == "-ce") {
                    if let Some(script) = w.get(i + 1) {
                        for c in commands(script) {
                            acts.extend(classify(&c.words));
                        }
                    }
                } else if let Some(script) = w[1..].iter().find(|a| !a.starts_with('-')) {
                    // `bash scripts/tests-start.sh`: the script's own name
                    // is all that says what it does.
                    acts.extend(script_actions(script));
                }
                return &[];
            }
            ("call", _) => &w[1..],
            ("uvx" | "pipx" | "npx" | "bunx", _) => {
                let rest = skip_options(&w[1..]);
                if name == "pipx" && rest.first().is_some_and(|s| s == "run") {
                    skip_options(&rest[1..])
                } else {
                    rest
                }
            }
            ("docker", Some("compose")) => compose_wrapped(&w[2..]),
            // `docker exec CONTAINER cmd`, `docker run [opts] IMAGE cmd`:
            // the command run inside the container.
            ("docker" | "podman" | "nerdctl", Some("exec" | "run")) => {
                let rest = skip_container_options(&w[2..]);
                rest.get(1..).unwrap_or(&[])
            }
            ("docker-compose" | "podman-compose", _) => compose_wrapped(&w[1..]),
            ("coverage", Some("run")) => {
                acts.push(Action::Coverage);
                let rest = skip_options_coverage(&w[2..]);
                if rest.first().is_some_and(|s| s == "-m") {
                    &rest[1..]
                } else {
                    // `coverage run manage.py test` runs a script like python would.
                    return python_script(rest, acts);
                }
            }
            (n, _) if is_python(n) => {
                let mut rest = &w[1..];
                // Interpreter flags before -m or the script (`-u`, `-X dev`, `-W error`).
                while let Some(f) = rest.first() {
                    if f == "-m" {
                        break;
                    }
                    if f.starts_with('-') {
                        rest = &rest[1..];
                        if (f == "-X" || f == "-W") && !rest.is_empty() {
                            rest = &rest[1..];
                        }
                    } else {
                        break;
                    }
                }
                match rest.split_first() {
                    Some((m, tail)) if m == "-m" => tail,
                    Some(_) => return python_script(rest, acts),
                    None => return &[],
                }
            }
            _ => return w,
        };
        if next.len() >= w.len() {
            return next;
        }
        w = next;
    }
}

/// `docker run`/`docker exec` options that take a value.
const CONTAINER_VALUED_OPTIONS: &[&str] = &[
    "-e",
    "--env",
    "--env-file",
    "-u",
    "--user",
    "-w",
    "--workdir",
    "-p",
    "--publish",
    "-v",
    "--volume",
    "--name",
    "--network",
    "--net",
    "--mount",
    "--entrypoint",
    "--platform",
    "-m",
    "--memory",
    "--cpus",
    "-l",
    "--label",
    "--hostname",
    "--add-host",
    "--restart",
    "--gpus",
    "--shm-size",
    "--ulimit",
    "--cap-add",
    "--cap-drop",
    "--device",
    "--dns",
    "--pull",
    "--ipc",
    "--pid",
    "--security-opt",
    "--tmpfs",
    "--log-driver",
    "--log-opt",
    "--detach-keys",
];

/// Skips `docker run`/`exec` options up to the image or container.
fn skip_container_options(words: &[String]) -> &[String] {
    skip_options_taking(words, CONTAINER_VALUED_OPTIONS)
}

/// `coverage run` options that take a value.
fn skip_options_coverage(words: &[String]) -> &[String] {
    let mut i = 0;
    while i < words.len() && words[i].starts_with('-') && words[i] != "-m" {
        let opt = words[i].as_str();
        i += 1;
        if !opt.contains('=')
            && matches!(
                opt,
                "--source" | "--rcfile" | "--omit" | "--include" | "--data-file" | "--context"
            )
        {
            i += 1;
        }
    }
    &words[i.min(words.len())..]
}

/// `docker compose run [opts] SERVICE CMD...`: the command run in the container.
fn compose_wrapped(w: &[String]) -> &[String] {
    let w = skip_options(w);
    match w.split_first() {
        Some((verb, rest)) if verb == "run" || verb == "exec" => {
            let rest = skip_options(rest);
            rest.get(1..).unwrap_or(&[])
        }
        // `docker compose build` builds images.
        _ => w,
    }
}

/// A Python script run directly: `manage.py test`, `setup.py test`,
/// `runtests.py`, `tests/run_all.py`.
fn python_script<'w>(w: &'w [String], acts: &mut Vec<Action>) -> &'w [String] {
    let Some((script, args)) = w.split_first() else {
        return &[];
    };
    let name = base_name(script);
    let sub = args.first().map(String::as_str);
    match (name.as_str(), sub) {
        ("manage.py" | "setup.py", Some("test")) => acts.push(Action::RunsTests),
        _ => {
            let in_tests = script
                .split('/')
                .rev()
                .skip(1)
                .any(|d| d == "tests" || d == "test");
            let stem = name.strip_suffix(".py").unwrap_or(&name);
            if name.ends_with(".py")
                && (in_tests
                    || stem.starts_with("test")
                    || stem.ends_with("_test")
                    || stem == "runtests"
                    || stem == "run_tests")
            {
                acts.push(Action::RunsTests);
            }
        }
    }
    &[]
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((k, _)) => {
            !k.is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !k.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// A shell script run by name (`./scripts/test.sh`, `bash run_tests.sh`),
/// classified by its name as a task is: its content is another file.
pub(super) fn script_actions(path: &str) -> Vec<Action> {
    let name = base_name(path);
    match [".sh", ".bash", ".zsh"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
    {
        Some(stem) => task_actions(stem),
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::shell::{acts, commands, Action};

    #[test]
    fn wrappers_are_taken_off() {
        use Action::*;
        assert_eq!(
            acts("python -m pytest --cov=app"),
            vec![RunsTests, Coverage]
        );
        assert_eq!(acts("uv run --frozen pytest"), vec![RunsTests]);
        assert_eq!(
            acts("poetry run python -m unittest discover"),
            vec![RunsTests]
        );
        assert_eq!(
            acts("CI=1 sudo -E ./venv/bin/pytest tests/"),
            vec![RunsTests]
        );
        assert_eq!(acts("coverage run -m pytest"), vec![RunsTests, Coverage]);
        assert_eq!(
            acts("coverage run manage.py test"),
            vec![RunsTests, Coverage]
        );
        assert_eq!(acts("python3.12 -u manage.py test blog"), vec![RunsTests]);
        assert_eq!(acts("docker compose run --rm web pytest"), vec![RunsTests]);
        assert_eq!(acts("python tests/run_all.py"), vec![RunsTests]);
        assert_eq!(acts("python app.py"), vec![]);
    }

    #[test]
    fn nested_shells_and_launchers() {
        use Action::*;
        assert_eq!(
            acts("bash -c \"pip install . && pytest -q\""),
            vec![RunsTests]
        );
        assert_eq!(acts("sh ./scripts/setup.sh"), vec![]);
        assert_eq!(
            acts("uv run bash scripts/tests-start.sh \"Coverage\""),
            vec![RunsTests]
        );
        assert_eq!(acts("./scripts/lint.sh"), vec![Lints]);
        assert_eq!(acts("bash -e run_tests.sh"), vec![RunsTests]);
        assert_eq!(acts("./start.sh"), vec![]);
        assert_eq!(
            acts("docker exec fastapi-tdd python -m pytest ."),
            vec![RunsTests]
        );
        assert_eq!(
            acts("docker run --rm -e CI=1 -v $PWD:/app -w /app python:3.12 pytest -q"),
            vec![RunsTests]
        );
        assert_eq!(
            acts("docker run -d --name web -p 8000:8000 app:latest"),
            vec![]
        );
        assert_eq!(acts("npx pyright"), vec![TypeChecks]);
        assert_eq!(acts("tox -e pre-commit"), vec![Lints, PreCommit]);
        assert_eq!(acts("make pre-build"), vec![]);
        assert_eq!(acts("tox -e py"), vec![RunsTests]);
        assert_eq!(acts("tox run -e 3.13"), vec![RunsTests]);
        assert_eq!(acts("tox run --notest -e 3.13"), vec![]);
        assert_eq!(acts("tox -e $TOXENV"), vec![RunsTests]);
        assert_eq!(acts("make ci"), vec![RunsTests]);
        assert_eq!(acts("tox -e release"), vec![]);
        assert_eq!(
            acts("ssh -o StrictHostKeyChecking=no deploy@$HOST \"cd app && docker compose up -d\""),
            vec![Deploys]
        );
        assert_eq!(
            acts("sshpass -p $PW scp -P 22 dist/app.tar.gz u@example.com:/srv"),
            vec![Deploys]
        );
        assert_eq!(
            acts("rsync -avz --delete site/ www@host:/var/www"),
            vec![Deploys]
        );
        assert_eq!(acts("ssh -T git@github.com"), vec![]);
        assert_eq!(acts("scp u@host:/var/log/app.log ."), vec![]);
        assert_eq!(acts("rsync -a C:/src/ backup/"), vec![]);
        assert_eq!(acts("tox -e \"py${PY//./}\""), vec![RunsTests]);
        let c = commands("echo ${A:-x y} && pytest");
        assert_eq!(c[0].words, ["echo", "${A:-x y}"]);
    }
}
