//! Shell commands, as CI steps, Dockerfile `RUN`/`CMD` lines, compose
//! `command:`s, tox `commands` and Procfiles write them: split into simple
//! commands and classified by what they do (run the tests, lint, build an
//! image, deploy, ...).
//!
//! A command is known by the tool it runs once the wrappers around it are
//! taken off: `uv run`, `poetry run`, `python -m`, `coverage run`, `sudo`,
//! `docker compose run SERVICE`, leading `VAR=value` assignments. Task
//! runners (`make test`, `tox -e lint`, `nox -s typing`, `hatch run
//! test`) are classified by their target's name. Comments and quoted text
//! are never commands: `echo "pytest"` runs nothing.

/// What a command does, as far as a portfolio cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Runs the test suite (pytest, unittest, tox, nox, `manage.py test`, ...).
    RunsTests,
    /// Measures or reports test coverage (`pytest --cov`, `coverage report`, codecov).
    Coverage,
    /// Runs a linter or a formatter check (ruff, flake8, black, pylint, ...).
    Lints,
    /// Runs a static type checker (mypy, pyright, ...).
    TypeChecks,
    /// Runs the pre-commit hooks (`pre-commit run`).
    PreCommit,
    /// Audits dependencies or code for vulnerabilities and secrets (pip-audit, bandit, trivy, ...).
    SecurityScan,
    /// Builds a container image (`docker build`, buildx, podman, kaniko).
    BuildsImage,
    /// Deploys somewhere (fly, heroku, kubectl apply, gcloud run deploy, terraform apply, ...).
    Deploys,
    /// Publishes a package to an index (`twine upload`, `uv publish`, ...).
    Publishes,
    /// Installs exactly what a lock file says (`uv sync`, `poetry install`, `pip-sync`, `--require-hashes`).
    InstallsLocked,
    /// Installs from a requirements file (`pip install -r requirements.txt`).
    InstallsRequirements,
    /// Serves a web app with a production server (gunicorn, uvicorn workers, uwsgi, ...).
    Serves,
}

/// One simple command of a script: its words (quotes removed) and the line
/// it starts on, counted from 0 at the script's first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub line: u32,
    pub words: Vec<String>,
}

impl Command {
    /// The command as it would be shown in evidence, shortened.
    pub fn display(&self) -> String {
        let mut s = self.words.join(" ");
        if s.chars().count() > 100 {
            s = s.chars().take(99).collect::<String>() + "…";
        }
        s
    }
}

/// How a script's text is read: by a POSIX shell (`run:` on Linux, `sh`
/// steps), by PowerShell (`shell: pwsh`, Windows runners' default) or by
/// `cmd.exe` (`bat` steps, Azure `script:` on Windows). They differ in
/// what escapes, quotes, continues a line and starts a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dialect {
    /// sh, bash, zsh: `\` escapes, `#` comments, `'...'` and `"..."` quote.
    #[default]
    Posix,
    /// pwsh and Windows PowerShell: `` ` `` escapes, `#` and `<# #>` comments.
    PowerShell,
    /// cmd.exe: `^` escapes, `"..."` quotes, no comment character.
    Cmd,
}

/// The simple commands of a script. Operators (`&&`, `||`, `;`, `|`, `&`)
/// and newlines end a command; a backslash before a newline continues it;
/// `#` at the start of a word comments out the rest of the line; text in
/// quotes is one word; `$(...)` and backticks stay inside their word.
pub fn commands(script: &str) -> Vec<Command> {
    commands_in(script, Dialect::Posix)
}

/// The simple commands of a script written for `dialect`. PowerShell
/// escapes and continues lines with a backtick and comments with `#` and
/// `<# ... #>`; cmd.exe escapes and continues with `^`, and has no comment
/// character (`rem` and `::` are commands that do nothing). In both a
/// backslash is a path separator (`.venv\Scripts\pytest`).
pub fn commands_in(script: &str, dialect: Dialect) -> Vec<Command> {
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut line = 0u32;
    let mut start = 0u32;
    let mut chars = script.chars().peekable();
    let escape = match dialect {
        Dialect::Posix => '\\',
        Dialect::PowerShell => '`',
        Dialect::Cmd => '^',
    };
    let end_word = |word: &mut String, in_word: &mut bool, words: &mut Vec<String>| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    };
    let end_command = |words: &mut Vec<String>, out: &mut Vec<Command>, start: u32| {
        if !words.is_empty() {
            out.push(Command {
                line: start,
                words: std::mem::take(words),
            });
        }
    };
    while let Some(c) = chars.next() {
        match c {
            c if c == escape => match chars.next() {
                Some('\n') => {
                    line += 1;
                    end_word(&mut word, &mut in_word, &mut words);
                }
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    line += 1;
                    end_word(&mut word, &mut in_word, &mut words);
                }
                Some(n) => {
                    if words.is_empty() && !in_word {
                        start = line;
                    }
                    word.push(n);
                    in_word = true;
                }
                None => {}
            },
            '\'' | '"' if !(dialect == Dialect::Cmd && c == '\'') => {
                if words.is_empty() && !in_word {
                    start = line;
                }
                in_word = true;
                // Inside double quotes the dialect's escape still escapes
                // (cmd.exe has none there); single quotes are literal.
                let inner_escape = match (dialect, c) {
                    (Dialect::Posix, '"') => Some('\\'),
                    (Dialect::PowerShell, '"') => Some('`'),
                    _ => None,
                };
                while let Some(q) = chars.next() {
                    if q == c {
                        // PowerShell doubles a quote to put it inside.
                        if dialect == Dialect::PowerShell && chars.peek() == Some(&c) {
                            chars.next();
                            word.push(c);
                            continue;
                        }
                        break;
                    }
                    if q == '\n' {
                        line += 1;
                    }
                    if Some(q) == inner_escape {
                        if let Some(n) = chars.next() {
                            if n == '\n' {
                                line += 1;
                            }
                            word.push(n);
                        }
                        continue;
                    }
                    word.push(q);
                }
            }
            '`' if dialect == Dialect::Posix => {
                // Command substitution: kept in the word, never a command of its own here.
                in_word = true;
                word.push(c);
                for q in chars.by_ref() {
                    if q == '\n' {
                        line += 1;
                    }
                    word.push(q);
                    if q == '`' {
                        break;
                    }
                }
            }
            '$' if dialect != Dialect::Cmd && matches!(chars.peek(), Some('(' | '{')) => {
                // `$(...)` and `${...}` stay in their word, whatever they hold.
                let (open, close) = match chars.peek() {
                    Some('{') => ('{', '}'),
                    _ => ('(', ')'),
                };
                if words.is_empty() && !in_word {
                    start = line;
                }
                in_word = true;
                word.push(c);
                let mut depth = 0;
                for q in chars.by_ref() {
                    word.push(q);
                    if q == open {
                        depth += 1;
                    } else if q == close {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    } else if q == '\n' {
                        line += 1;
                    }
                }
            }
            '<' if dialect == Dialect::PowerShell && !in_word && chars.peek() == Some(&'#') => {
                // A block comment, to `#>`.
                chars.next();
                let mut prev = ' ';
                for q in chars.by_ref() {
                    if q == '\n' {
                        line += 1;
                    }
                    if prev == '#' && q == '>' {
                        break;
                    }
                    prev = q;
                }
            }
            '#' if !in_word && dialect != Dialect::Cmd => {
                for q in chars.by_ref() {
                    if q == '\n' {
                        break;
                    }
                }
                end_command(&mut words, &mut out, start);
                line += 1;
            }
            '\n' | ';' | '&' | '|' | '(' | ')' => {
                end_word(&mut word, &mut in_word, &mut words);
                end_command(&mut words, &mut out, start);
                if c == '\n' {
                    line += 1;
                }
            }
            '@' if dialect == Dialect::Cmd && words.is_empty() && !in_word => {
                // `@command` only hides the command's echo.
            }
            c if c.is_whitespace() => end_word(&mut word, &mut in_word, &mut words),
            c => {
                if words.is_empty() && !in_word {
                    start = line;
                }
                word.push(c);
                in_word = true;
            }
        }
    }
    end_word(&mut word, &mut in_word, &mut words);
    end_command(&mut words, &mut out, start);
    out
}

/// What each command of a script does: (line from the script's start, action, command).
pub fn classify_script(script: &str) -> Vec<(u32, Action, String)> {
    classify_script_in(script, Dialect::Posix)
}

/// [`classify_script`] for a script written for `dialect`.
pub fn classify_script_in(script: &str, dialect: Dialect) -> Vec<(u32, Action, String)> {
    let mut out = Vec::new();
    for c in commands_in(script, dialect) {
        for a in classify(&c.words) {
            out.push((c.line, a, c.display()));
        }
    }
    out
}

/// What one simple command does (possibly several things: `coverage run -m
/// pytest` runs the tests and measures coverage).
pub fn classify(words: &[String]) -> Vec<Action> {
    let mut acts = Vec::new();
    let w = unwrap(words, &mut acts);
    if let Some((tool, args)) = w.split_first() {
        tool_actions(&base_name(tool), args, &mut acts);
    }
    acts.sort();
    acts.dedup();
    acts
}

/// The last path segment of a program, without a Windows executable's
/// extension (`./.venv/bin/pytest` and `.venv\\Scripts\\pytest.exe` are `pytest`).
fn base_name(word: &str) -> String {
    let last = word.rsplit(['/', '\\']).next().unwrap_or(word);
    let lower = last.to_ascii_lowercase();
    for ext in [".exe", ".cmd", ".bat"] {
        if let Some(stem) = lower.strip_suffix(ext) {
            if !stem.is_empty() {
                return stem.to_string();
            }
        }
    }
    lower
}

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
fn unwrap<'w>(mut w: &'w [String], acts: &mut Vec<Action>) -> &'w [String] {
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

/// What a task (a make target, a tox or nox environment, a hatch/pdm/poe
/// script) does, by its name: `test`, `lint`, `typecheck`, `coverage`, ...
pub fn task_actions(name: &str) -> Vec<Action> {
    let n = name.to_ascii_lowercase();
    let parts: Vec<&str> = n
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    let has = |words: &[&str]| parts.iter().any(|p| words.contains(p));
    let mut acts = Vec::new();
    if has(&[
        "test",
        "tests",
        "pytest",
        "unit",
        "unittest",
        "integration",
        "e2e",
        "functional",
    ]) || parts.iter().any(|p| {
        // tox/nox environments named after interpreters: py312, pypy3, 3.12.
        (p.starts_with("py") && p[2..].chars().all(|c| c.is_ascii_digit()) && p.len() > 2)
            || (p.starts_with("pypy") && p[4..].chars().all(|c| c.is_ascii_digit()))
    }) || parts.first() == Some(&"py")
        // `tox -e 3.13` (tox 4 reads a version as an interpreter); `make ci`.
        || (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
        || n == "ci"
    {
        // `tox -e py`, `py-django42`: the current interpreter's environment.
        acts.push(Action::RunsTests);
    }
    if has(&["cov", "coverage"]) {
        acts.push(Action::Coverage);
    }
    if has(&[
        "lint",
        "linting",
        "linters",
        "flake8",
        "ruff",
        "pylint",
        "style",
        "format",
        "fmt",
        "black",
        "isort",
        "codestyle",
        "pep8",
    ]) {
        acts.push(Action::Lints);
    }
    // `pre-commit`, `precommit`: the hooks, which lint.
    let pre_commit =
        has(&["precommit"]) || parts.windows(2).any(|w| w[0] == "pre" && w[1] == "commit");
    if pre_commit {
        acts.push(Action::PreCommit);
        acts.push(Action::Lints);
    }
    if has(&[
        "type",
        "types",
        "typing",
        "typecheck",
        "typechecks",
        "mypy",
        "pyright",
    ]) {
        acts.push(Action::TypeChecks);
    }
    if has(&["security", "audit", "bandit", "safety"]) {
        acts.push(Action::SecurityScan);
    }
    // Not "release": release tasks tag, write notes or publish as often as they deploy.
    if has(&["deploy"]) {
        acts.push(Action::Deploys);
    }
    acts
}

/// Values a tool's option takes, by any of its spellings: `-e py312,lint`,
/// `-e=lint`, `--env lint`.
fn option_values<'a>(args: &'a [String], names: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if names.contains(&a.as_str()) {
            if let Some(v) = it.next() {
                out.push(v.as_str());
            }
        } else if let Some((k, v)) = a.split_once('=') {
            if names.contains(&k) {
                out.push(v);
            }
        }
    }
    out
}

/// A shell script run by name (`./scripts/test.sh`, `bash run_tests.sh`),
/// classified by its name as a task is: its content is another file.
fn script_actions(path: &str) -> Vec<Action> {
    let name = base_name(path);
    match [".sh", ".bash", ".zsh"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
    {
        Some(stem) => task_actions(stem),
        None => Vec::new(),
    }
}

fn tool_actions(tool: &str, args: &[String], acts: &mut Vec<Action>) {
    let sub = args.first().map(String::as_str).unwrap_or("");
    let has_arg = |p: &str| {
        args.iter()
            .any(|a| a == p || a.starts_with(&format!("{p}=")))
    };
    let any_arg_starts = |p: &str| args.iter().any(|a| a.starts_with(p));
    // `--version`/`--help` runs are probes, not work.
    if args.len() == 1 && matches!(sub, "--version" | "-V" | "--help" | "-h") {
        return;
    }
    match tool {
        t if t.ends_with(".sh") || t.ends_with(".bash") || t.ends_with(".zsh") => {
            acts.extend(script_actions(t))
        }
        "pytest" | "py.test" => {
            acts.push(Action::RunsTests);
            if any_arg_starts("--cov") {
                acts.push(Action::Coverage);
            }
        }
        "nosetests" | "nose2" | "ward" | "green" | "behave" | "trial" | "stestr" | "unittest"
        | "doctest" => acts.push(Action::RunsTests),
        "manage.py" | "django-admin" if sub == "test" => acts.push(Action::RunsTests),
        "tox" | "nox" => {
            let names: &[&str] = if tool == "tox" {
                &["-e", "--env", "-m", "--labels"]
            } else {
                &["-s", "--session", "--sessions", "-t", "--tags", "-k"]
            };
            // `tox --notest` only builds the environments.
            if args.iter().any(|a| a == "--notest") {
                return;
            }
            let envs = option_values(args, names);
            if envs.is_empty() {
                acts.push(Action::RunsTests);
            }
            for e in envs.iter().flat_map(|e| e.split(',')) {
                if e.contains('$') {
                    // `-e $TOXENV`: chosen elsewhere; tox and nox run the tests by default.
                    acts.push(Action::RunsTests);
                } else {
                    acts.extend(task_actions(e));
                }
            }
        }
        "make" | "just" | "invoke" | "inv" | "task" | "poe" | "mise" | "nmake" => {
            for t in args
                .iter()
                .filter(|a| !a.starts_with('-') && !a.contains('='))
            {
                if t == "run" && tool == "mise" {
                    continue;
                }
                acts.extend(task_actions(t));
            }
        }
        "hatch" => match sub {
            "test" => {
                acts.push(Action::RunsTests);
                if has_arg("--cover") || has_arg("-c") {
                    acts.push(Action::Coverage);
                }
            }
            "publish" => acts.push(Action::Publishes),
            "fmt" => acts.push(Action::Lints),
            _ => {}
        },
        "coverage" => {
            if matches!(sub, "report" | "xml" | "html" | "lcov" | "json" | "combine") {
                acts.push(Action::Coverage);
            }
        }
        "codecov" | "coveralls" | "diff-cover" | "genbadge" => acts.push(Action::Coverage),
        "ruff" | "flake8" | "pylint" | "pycodestyle" | "pydocstyle" | "pyflakes" | "black"
        | "isort" | "autopep8" | "yapf" | "prospector" | "pylama" | "codespell" | "blue"
        | "darker" | "flakeheaven" | "flakehell" | "autoflake" | "refurb" | "vulture" => {
            acts.push(Action::Lints)
        }
        "mypy" | "dmypy" | "pyright" | "basedpyright" | "pytype" | "pyre" | "pyre-check" => {
            acts.push(Action::TypeChecks)
        }
        "ty" if sub == "check" => acts.push(Action::TypeChecks),
        "pre-commit" | "prek" if sub == "run" || sub.is_empty() => {
            acts.push(Action::PreCommit);
            acts.push(Action::Lints);
        }
        "pip-audit" | "bandit" | "osv-scanner" | "trivy" | "grype" | "semgrep" | "gitleaks"
        | "detect-secrets" | "trufflehog" | "snyk" => acts.push(Action::SecurityScan),
        "safety" if matches!(sub, "check" | "scan") => acts.push(Action::SecurityScan),
        "docker" | "podman" | "nerdctl" => match sub {
            "build" => acts.push(Action::BuildsImage),
            "buildx" | "image" | "builder"
                if args.get(1).is_some_and(|s| s == "build" || s == "bake") =>
            {
                acts.push(Action::BuildsImage)
            }
            "compose" if args.get(1).is_some_and(|s| s == "build") => {
                acts.push(Action::BuildsImage)
            }
            "stack" if args.get(1).is_some_and(|s| s == "deploy") => acts.push(Action::Deploys),
            _ => {}
        },
        "docker-compose" | "podman-compose" if sub == "build" => acts.push(Action::BuildsImage),
        "buildah" if matches!(sub, "bud" | "build") => acts.push(Action::BuildsImage),
        "executor" | "kaniko" => acts.push(Action::BuildsImage),
        "pack" if sub == "build" => acts.push(Action::BuildsImage),
        "flyctl" | "fly" if sub == "deploy" => acts.push(Action::Deploys),
        "heroku" if sub.starts_with("container:release") || sub == "deploy" => {
            acts.push(Action::Deploys)
        }
        "git"
            if sub == "push"
                && args
                    .iter()
                    .skip(1)
                    .any(|a| a.contains("heroku") || a.contains("dokku")) =>
        {
            acts.push(Action::Deploys)
        }
        "aws" => {
            let verb = args.get(1).map(String::as_str).unwrap_or("");
            if matches!(
                (sub, verb),
                ("ecs", "update-service")
                    | ("lambda", "update-function-code")
                    | ("s3", "sync")
                    | ("deploy", _)
                    | ("cloudformation", "deploy")
                    | ("elasticbeanstalk", "update-environment")
            ) {
                acts.push(Action::Deploys)
            }
        }
        "eb" | "sam" | "cdk" | "serverless" | "sls" | "netlify" | "cdktf" if sub == "deploy" => {
            acts.push(Action::Deploys)
        }
        "zappa" if matches!(sub, "deploy" | "update") => acts.push(Action::Deploys),
        "gcloud" => {
            let verb = args.get(1).map(String::as_str).unwrap_or("");
            let third = args.get(2).map(String::as_str).unwrap_or("");
            if verb == "deploy" || third == "deploy" {
                acts.push(Action::Deploys)
            }
        }
        "az" if args.iter().any(|a| a == "deploy" || a == "up") => acts.push(Action::Deploys),
        "railway" if sub == "up" => acts.push(Action::Deploys),
        "vercel" if sub == "deploy" || has_arg("--prod") => acts.push(Action::Deploys),
        "kubectl"
            if matches!(sub, "apply" | "rollout" | "create")
                || (sub == "set" && args.get(1).is_some_and(|a| a == "image")) =>
        {
            acts.push(Action::Deploys)
        }
        "helm" if matches!(sub, "upgrade" | "install") => acts.push(Action::Deploys),
        "terraform" | "tofu" if sub == "apply" => acts.push(Action::Deploys),
        "pulumi" if sub == "up" => acts.push(Action::Deploys),
        "ansible-playbook" => acts.push(Action::Deploys),
        "mkdocs" if sub == "gh-deploy" => acts.push(Action::Deploys),
        // A command run on another machine, or files copied to one: how a
        // pipeline deploys to a server it can reach (appleboy/ssh-action's way).
        "ssh" if ssh_runs_remote_command(args) => acts.push(Action::Deploys),
        "scp" | "rsync" if args.last().is_some_and(|a| is_remote_path(a)) => {
            acts.push(Action::Deploys)
        }
        "twine" if sub == "upload" => acts.push(Action::Publishes),
        "poetry" => match sub {
            "publish" => acts.push(Action::Publishes),
            "install" | "sync" => acts.push(Action::InstallsLocked),
            _ => {}
        },
        "uv" => match sub {
            "publish" => acts.push(Action::Publishes),
            "sync" => acts.push(Action::InstallsLocked),
            "pip" => pip_actions(&args[1..], true, acts),
            _ => {}
        },
        "flit" | "pdm" | "maturin" if matches!(sub, "publish" | "upload") => {
            acts.push(Action::Publishes)
        }
        "pdm" if matches!(sub, "sync" | "install") => acts.push(Action::InstallsLocked),
        "pipenv"
            if sub == "sync"
                || (sub == "install" && (has_arg("--deploy") || has_arg("--ignore-pipfile"))) =>
        {
            acts.push(Action::InstallsLocked)
        }
        "pip-sync" => acts.push(Action::InstallsLocked),
        "conda-lock" if sub == "install" => acts.push(Action::InstallsLocked),
        "pip" | "pip3" => pip_actions(args, false, acts),
        n if n.starts_with("pip3.") => pip_actions(args, false, acts),
        // gunicorn has no development mode: any app it is given (`app:app`,
        // Django's `project.wsgi`) is served for production.
        "gunicorn"
            if args
                .iter()
                .any(|a| !a.starts_with('-') && !a.starts_with('$'))
                || ["-c", "--config", "--bind", "-b", "-w", "--workers"]
                    .iter()
                    .any(|o| has_arg(o)) =>
        {
            acts.push(Action::Serves)
        }
        "uvicorn" => {
            let public = option_values(args, &["--host"]).contains(&"0.0.0.0");
            if !has_arg("--reload")
                && (has_arg("--workers") || public || has_arg("--proxy-headers"))
            {
                acts.push(Action::Serves)
            }
        }
        "uwsgi"
            if args.iter().any(|a| a.ends_with(".ini"))
                || [
                    "--ini",
                    "--module",
                    "--http",
                    "--socket",
                    "-w",
                    "--wsgi-file",
                ]
                .iter()
                .any(|o| has_arg(o)) =>
        {
            acts.push(Action::Serves)
        }
        "waitress-serve" | "granian" | "bjoern" => acts.push(Action::Serves),
        "hypercorn" | "daphne" if args.iter().any(|a| !a.starts_with('-') && a.contains(':')) => {
            acts.push(Action::Serves)
        }
        "fastapi" if sub == "run" => acts.push(Action::Serves),
        _ => {}
    }
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

/// `pip install ...`: from a requirements file, with hashes, or a sync.
fn pip_actions(args: &[String], uv: bool, acts: &mut Vec<Action>) {
    let sub = args.first().map(String::as_str).unwrap_or("");
    if uv && sub == "sync" {
        acts.push(Action::InstallsLocked);
        return;
    }
    if sub != "install" {
        return;
    }
    if args.iter().any(|a| a == "--require-hashes") {
        acts.push(Action::InstallsLocked);
    }
    if !option_values(args, &["-r", "--requirement"]).is_empty()
        || args
            .iter()
            .any(|a| a.starts_with("-r") && a.len() > 2 && !a.starts_with("-r="))
    {
        acts.push(Action::InstallsRequirements);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acts(script: &str) -> Vec<Action> {
        let mut v: Vec<Action> = classify_script(script)
            .into_iter()
            .map(|(_, a, _)| a)
            .collect();
        v.sort();
        v.dedup();
        v
    }

    #[test]
    fn splits_commands_with_lines() {
        let cs = commands("pip install -r requirements.txt && \\\n  pytest -q  # run\n# pytest\necho 'ruff check' ; mypy src\n");
        let words: Vec<(u32, String)> = cs.iter().map(|c| (c.line, c.words.join(" "))).collect();
        assert_eq!(
            words,
            vec![
                (0, "pip install -r requirements.txt".to_string()),
                (1, "pytest -q".to_string()),
                (3, "echo ruff check".to_string()),
                (3, "mypy src".to_string()),
            ]
        );
    }

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
    fn acts_in(script: &str, d: Dialect) -> Vec<Action> {
        let mut v: Vec<Action> = classify_script_in(script, d)
            .into_iter()
            .map(|(_, a, _)| a)
            .collect();
        v.sort();
        v.dedup();
        v
    }

    #[test]
    fn windows_shells() {
        use Action::*;
        let ps = commands_in(
            ".venv\\Scripts\\python.exe -m pytest `\n  --cov=app\n<# mypy src\n#> Write-Host 'ruff check'\n# flake8\nruff check .",
            Dialect::PowerShell,
        );
        let words: Vec<(u32, String)> = ps.iter().map(|c| (c.line, c.words.join(" "))).collect();
        assert_eq!(
            words,
            vec![
                (
                    0,
                    ".venv\\Scripts\\python.exe -m pytest --cov=app".to_string()
                ),
                (3, "Write-Host ruff check".to_string()),
                (5, "ruff check .".to_string()),
            ]
        );
        assert_eq!(
            acts_in("& python -m pytest; mypy src", Dialect::PowerShell),
            vec![RunsTests, TypeChecks]
        );
        assert_eq!(
            acts_in("@echo off\r\ncall .venv\\Scripts\\activate.bat\r\npytest ^\r\n  --cov\r\nrem ruff check .", Dialect::Cmd),
            vec![RunsTests, Coverage]
        );
        // In cmd.exe `#` is no comment and `'` no quote.
        let words = &commands_in("echo 'a b' # c", Dialect::Cmd)[0].words;
        assert_eq!(words, &["echo", "'a", "b'", "#", "c"]);
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
