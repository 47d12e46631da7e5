//! Progress bars on stderr (indicatif): drawn only when stderr is a terminal
//! and `--quiet` is not given, so logs, pipes and CI output stay clean.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// The bars of one scan: a bar per phase (fetching, scanning) and, under
/// it, one line per repository being fetched.
pub struct Progress {
    bars: MultiProgress,
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("█▉▊▋▌▍▎▏ ")
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            // Hides itself when stderr is not a terminal.
            ProgressDrawTarget::stderr()
        };
        Progress {
            bars: MultiProgress::with_draw_target(target),
        }
    }

    /// A bar for a phase over `len` repositories; `verb` is "Fetching" or "Scanning".
    pub fn phase(&self, verb: &'static str, len: usize) -> ProgressBar {
        let bar = self.bars.add(ProgressBar::new(len as u64));
        bar.set_style(style(
            "{prefix:>9.bold} [{bar:30}] {pos}/{len} {elapsed:>4} {wide_msg}",
        ));
        bar.set_prefix(verb);
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }

    /// A line for one repository being fetched: objects received of all.
    pub fn task(&self, name: &str) -> ProgressBar {
        let bar = self.bars.add(ProgressBar::new(0));
        bar.set_style(style("{prefix:>9} {spinner} {msg} {pos}/{len} objects"));
        bar.set_message(name.to_string());
        bar
    }
}
