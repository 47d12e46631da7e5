//! `portfolio-audit cache ...`: what the cache folder holds (the audits
//! kept, the clones), and emptying it.

use super::output::OutputArgs;
use super::ListFormat;
use crate::exit_codes;
use crate::portfolio::cache::{clear_folder, folder_info, FolderInfo};
use crate::portfolio::{inputs, DEFAULT_CACHE_MAX_SIZE};
use crate::report::json;
use anyhow::bail;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `portfolio-audit cache ...`: the subcommand, and where its output goes.
#[derive(Debug, clap::Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub command: CacheCommand,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, clap::Subcommand)]
pub enum CacheCommand {
    /// Show the cache folder: the audits kept (how many, how large) and the clones.
    #[command(
        after_help = "Examples:\n  portfolio-audit cache info\n  portfolio-audit cache info --cache-dir ci-cache --format json"
    )]
    Info {
        #[command(flatten)]
        folder: FolderArg,
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Empty the cache of audits: every repository is audited again on its
    /// next scan. With --clones, remove the cloned repositories too.
    #[command(
        after_help = "Examples:\n  portfolio-audit cache clear\n  portfolio-audit cache clear --clones --cache-dir ci-cache"
    )]
    Clear {
        #[command(flatten)]
        folder: FolderArg,
        /// Remove the cloned repositories too (they are fetched whole again).
        #[arg(long)]
        clones: bool,
    },
}

/// `--cache-dir`, as `scan` takes it.
#[derive(Debug, clap::Args)]
pub struct FolderArg {
    /// The cache folder (default: the user's cache folder, then
    /// portfolio-audit/repos).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

impl FolderArg {
    fn dir(&self) -> anyhow::Result<PathBuf> {
        let dir = inputs::cache_dir(self.cache_dir.as_deref(), &[])?;
        if dir.as_os_str().is_empty() {
            bail!("no cache folder on this system: give --cache-dir DIR");
        }
        Ok(dir)
    }
}

pub fn run(args: &CacheArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    let mut buffer = Vec::new();
    let mut warnings = Vec::new();
    match &args.command {
        CacheCommand::Info { folder, format } => {
            let info = folder_info(&folder.dir()?, &mut warnings);
            match format {
                ListFormat::Text => info_text(&info, &mut buffer)?,
                ListFormat::Json => json::render(&info, &mut buffer)?,
            }
        }
        CacheCommand::Clear { folder, clones } => {
            let dir = folder.dir()?;
            let c = clear_folder(&dir, *clones, &mut warnings)?;
            writeln!(
                buffer,
                "Removed {} repository report{} and {} file analys{}s ({}) from {}",
                c.repos,
                if c.repos == 1 { "" } else { "s" },
                c.files,
                if c.files == 1 { "i" } else { "e" },
                size(c.bytes),
                dir.display()
            )?;
            if *clones {
                writeln!(
                    buffer,
                    "Removed {} clone{} ({})",
                    c.clones,
                    if c.clones == 1 { "" } else { "s" },
                    size(c.clone_bytes)
                )?;
            }
        }
    }
    if !args.output.quiet {
        for w in warnings {
            writeln!(err, "warning: {w}")?;
        }
    }
    args.output.write(&buffer, out)?;
    Ok(exit_codes::OK)
}

fn info_text(info: &FolderInfo, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "Cache folder: {}", info.folder.display())?;
    match &info.store {
        Some(s) => {
            writeln!(out, "Audits: {}", s.path.display())?;
            let count = |kind: &str| s.entries.get(kind).map_or(0, |e| e.count);
            let (repos, files, trees) = (count("repo"), count("file"), count("stamps"));
            writeln!(
                out,
                "  {repos} repository report{} and {files} file analys{}s kept, {} ({} on disk)",
                if repos == 1 { "" } else { "s" },
                if files == 1 { "i" } else { "e" },
                size(s.bytes),
                size(s.on_disk)
            )?;
            if trees > 0 {
                writeln!(
                    out,
                    "  and the stamps of the files of {trees} working tree{} (unchanged files are not read again)",
                    if trees == 1 { "" } else { "s" },
                )?;
            }
        }
        None => writeln!(
            out,
            "Audits: none kept yet ({})",
            shown(&info.folder.join(crate::portfolio::store::FILE_NAME))
        )?,
    }
    writeln!(
        out,
        "  kept under --cache-max-size ({} unless given), the least recently used removed first",
        size(DEFAULT_CACHE_MAX_SIZE)
    )?;
    writeln!(
        out,
        "Clones: {} repositor{}, {}",
        info.clones,
        if info.clones == 1 { "y" } else { "ies" },
        size(info.clone_bytes)
    )
}

fn shown(p: &Path) -> String {
    p.display().to_string()
}

/// Bytes for a person: `512 B`, `181.1 KiB`, `1.0 GiB`.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_a_person_would() {
        assert_eq!(super::size(512), "512 B");
        assert_eq!(super::size(185_439), "181.1 KiB");
        assert_eq!(super::size(1 << 30), "1.0 GiB");
    }
}
