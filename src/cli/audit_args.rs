//! The arguments of every command that audits repositories (`scan`,
//! `badge`, `diff`), turned into the library's [`Options`], and what an
//! audit's problems mean for stderr and the exit code.

use super::RulesArg;
use crate::exit_codes;
use crate::portfolio::{
    inputs, AccountOptions, Audit, Hosting, Input, Options, Portfolio, ProblemKind, RepoConfig,
    Selection, Shard, StoreSettings, DEFAULT_MAX_FILE_SIZE, DEFAULT_ROADMAP,
};
use std::io::Write;
use std::path::PathBuf;

/// What to audit: shared by `scan` and `badge`.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Repositories, folders of repositories, repository URLs, or accounts
    /// (github:USER, https://github.com/USER, gitlab:GROUP/SUBGROUP,
    /// https://gitlab.com/USER): every repository they own (default: `.`).
    #[arg(value_name = "PATH|URL|ACCOUNT")]
    pub paths: Vec<PathBuf>,
    /// Read inputs from this file, one a line, each with an optional label
    /// (`LABEL  INPUT`: a tab or two or more spaces between); see below.
    #[arg(long, value_name = "FILE")]
    pub repos_file: Option<PathBuf>,
    /// The cache folder: where URL inputs are cloned and kept between runs,
    /// and where audits are kept (audits.sqlite; see `cache info`)
    /// (default: the user's cache folder, then portfolio-audit/repos).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Audit every repository again: neither read nor write the cache of
    /// audits (clones are still kept in the cache folder).
    #[arg(long)]
    pub no_cache: bool,
    /// Keep the cache of audits under this size, the least recently used
    /// removed first: bytes, or with a unit (500M, 2G, 1GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "1G")]
    pub cache_max_size: u64,
    /// Clone only the last N commits of each URL (the history metrics then
    /// see only those); local and file:// remotes are always cloned whole.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub depth: Option<u32>,
    /// Read this git revision from the object database instead of the working
    /// tree (a URL is read at the remote's default branch unless this is given).
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Accounts: audit forks too (left out by default).
    #[arg(long)]
    pub include_forks: bool,
    /// Accounts: the token owner's private repositories too (the token in
    /// GITHUB_TOKEN or GH_TOKEN, or GITLAB_TOKEN).
    #[arg(long)]
    pub include_private: bool,
    /// Accounts: leave out repositories whose name matches this glob, in
    /// any case (repeatable): --exclude 'old-*' --exclude homework.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Accounts: audit only the N most recently pushed repositories of each.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
}

impl InputArgs {
    /// Account inputs' options, with API bases and tokens from the
    /// environment; an invalid --exclude glob is the error.
    fn accounts(&self) -> anyhow::Result<AccountOptions> {
        let selection = Selection::new(
            self.include_forks,
            self.include_private,
            &self.exclude,
            self.limit.map(|n| n as usize),
        )
        .map_err(anyhow::Error::msg)?;
        Ok(AccountOptions {
            hosting: Hosting::from_env(),
            selection,
        })
    }
}

/// Options of every command that audits repositories (`scan`, `badge`, `diff`).
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub rules: RulesArg,
    /// Threads for fetching and analysis, shared by repositories audited in
    /// parallel and the files inside each (default: all cores).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// The checklist to measure against: a built-in roadmap's name or a roadmap file.
    #[arg(long, value_name = "NAME|FILE", default_value = DEFAULT_ROADMAP)]
    pub roadmap: String,
    /// The learner's project file (self-reports, claims, ignored competencies);
    /// default: portfolio-audit.toml at the top of each scanned repository.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Files larger than this many bytes are listed but not read.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Count only what this author wrote (repeatable): evidence in lines
    /// `git blame` gives them at the scanned revision (a working tree is read
    /// at HEAD). An email or a name, any case, after .mailmap. Needs git.
    #[arg(long = "author", value_name = "EMAIL|NAME")]
    pub authors: Vec<String>,
    /// What a scanned repository's own portfolio-audit.toml (and, with
    /// --author, its .mailmap and .git-blame-ignore-revs) may do: trust (it
    /// applies), report (shown, the score computed as if it were absent) or
    /// ignore (not read).
    /// Default: trust for one local repository, report for URLs, a repos
    /// file or several repositories.
    #[arg(long, value_name = "POLICY", value_enum)]
    pub repo_config: Option<RepoConfigArg>,
    /// With --author: your own mailmap (git's format), which always
    /// applies, whatever --repo-config says of the repository's.
    #[arg(long, value_name = "FILE", requires = "authors")]
    pub mailmap: Option<PathBuf>,
    /// With --author: revisions blame passes over, such as a reformatting
    /// commit (git's .git-blame-ignore-revs format: a hash a line, #
    /// comments); always applies, whatever --repo-config says of the
    /// repository's own .git-blame-ignore-revs.
    #[arg(long, value_name = "FILE", requires = "authors")]
    pub ignore_revs_file: Option<PathBuf>,
}

/// `--repo-config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RepoConfigArg {
    /// Its statements apply: you audit your own work.
    Trust,
    /// Its statements are shown; the score is computed as if it were absent.
    Report,
    /// It is not read.
    Ignore,
}

impl From<RepoConfigArg> for RepoConfig {
    fn from(a: RepoConfigArg) -> RepoConfig {
        match a {
            RepoConfigArg::Trust => RepoConfig::Trust,
            RepoConfigArg::Report => RepoConfig::Report,
            RepoConfigArg::Ignore => RepoConfig::Ignore,
        }
    }
}

impl AuditArgs {
    /// Loads the rules and the roadmap; either invalid is a usage error.
    pub fn portfolio(&self, inputs: Option<&InputArgs>) -> anyhow::Result<Portfolio> {
        self.load(self.options(inputs)?)
    }

    /// Loads the rules and the roadmap for these options.
    fn load(&self, options: Options) -> anyhow::Result<Portfolio> {
        Ok(Portfolio::load(
            self.rules.rules.as_deref(),
            &self.roadmap,
            options,
        )?)
    }

    /// The library's options, from these flags and the inputs' ones.
    fn options(&self, inputs: Option<&InputArgs>) -> anyhow::Result<Options> {
        Ok(Options {
            jobs: self.jobs,
            max_file_size: self.max_file_size,
            rev: inputs.and_then(|i| i.rev.clone()),
            authors: self.authors.clone(),
            config: self.config.clone(),
            cache_dir: inputs.and_then(|i| i.cache_dir.clone()),
            depth: inputs.and_then(|i| i.depth),
            repo_config: self.repo_config.map(RepoConfig::from),
            mailmap: self.mailmap.clone(),
            ignore_revs_file: self.ignore_revs_file.clone(),
            accounts: inputs
                .map(InputArgs::accounts)
                .transpose()?
                .unwrap_or_default(),
            shard: None,
            store: inputs.filter(|i| !i.no_cache).map(|i| StoreSettings {
                max_size: i.cache_max_size,
            }),
        })
    }
}

/// A size in bytes: `1048576`, `500K`, `500M`, `2G`, `1GiB`, `300MB`
/// (units are powers of 1024, in any case).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let bad = || format!("`{text}`: a size is bytes or a number with K, M or G (500M, 2G)");
    let n: u64 = number.parse().map_err(|_| bad())?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(bad()),
    };
    n.checked_mul(1 << shift).ok_or_else(bad)
}

/// An audit of the inputs (of one shard of them, when given), and the exit
/// code so far: `None` when the inputs themselves are malformed (the
/// reason is on `err`).
pub fn audit_inputs(
    args: &InputArgs,
    audit: &AuditArgs,
    shard: Option<Shard>,
    quiet: bool,
    err: &mut dyn Write,
) -> anyhow::Result<Option<(Audit, u8)>> {
    let options = Options {
        shard,
        ..audit.options(Some(args))?
    };
    let given = inputs::gather(&args.paths, args.repos_file.as_deref());
    // libgit2 starts while the rules compile: for a small repository, its
    // start (OpenSSL reading the system's certificates) is a third of the run.
    if given.as_ref().is_ok_and(|g| g.iter().any(Input::reads_git)) {
        crate::portfolio::start_git();
    }
    let portfolio = audit.load(options)?;
    let given: Vec<Input> = match given {
        Ok(g) => g,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(None);
        }
    };
    let bars = super::progress::Bars::new(quiet);
    let audited = match portfolio.audit(&given, &bars) {
        Ok(a) => a,
        Err(crate::portfolio::PortfolioError::Inputs(e)) => {
            writeln!(err, "error: {e}")?;
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let code = report_problems(&audited, quiet, err)?;
    // What the cache gave, when it was asked for something.
    if let Some(used) = audited.cache.filter(|u| !quiet && u.repos > 0) {
        writeln!(err, "{used}")?;
    }
    Ok(Some((audited, code)))
}

/// Prints an audit's problems on `err` (warnings only without `--quiet`)
/// and returns the exit code they make: a usage error (2) says more than a
/// repository that could not be audited (3).
pub fn report_problems(audit: &Audit, quiet: bool, err: &mut dyn Write) -> anyhow::Result<u8> {
    for p in &audit.problems {
        match p.kind {
            ProblemKind::Warning if quiet => {}
            ProblemKind::Warning => writeln!(err, "warning: {}", p.message)?,
            _ => writeln!(err, "error: {}", p.message)?,
        }
    }
    Ok(if audit.usage_error() {
        exit_codes::USAGE
    } else if audit.failed() > 0 {
        exit_codes::SOME_FAILED
    } else {
        exit_codes::OK
    })
}
