//! Progress bars on stderr (indicatif) for what the library reports: drawn
//! only when stderr is a terminal and `--quiet` is not given, so logs, pipes
//! and CI output stay clean.

use crate::portfolio::{Phase, Progress};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// The bars of one audit: a bar per phase (fetching, scanning) and, under
/// it, one line per repository being fetched.
pub struct Bars {
    bars: MultiProgress,
    phase: Mutex<Option<ProgressBar>>,
    transfers: Mutex<BTreeMap<String, ProgressBar>>,
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("█▉▊▋▌▍▎▏ ")
}

impl Bars {
    pub fn new(quiet: bool) -> Bars {
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            // Hides itself when stderr is not a terminal.
            ProgressDrawTarget::stderr()
        };
        Bars {
            bars: MultiProgress::with_draw_target(target),
            phase: Mutex::new(None),
            transfers: Mutex::new(BTreeMap::new()),
        }
    }
}

impl Progress for Bars {
    fn start(&self, phase: Phase, total: usize) {
        let bar = self.bars.add(ProgressBar::new(total as u64));
        bar.set_style(style(
            "{prefix:>9.bold} [{bar:30}] {pos}/{len} {elapsed:>4} {wide_msg}",
        ));
        bar.set_prefix(phase.verb());
        bar.enable_steady_tick(Duration::from_millis(200));
        if let Ok(mut p) = self.phase.lock() {
            *p = Some(bar);
        }
    }

    fn done(&self, _phase: Phase, repo: &str) {
        if let Ok(p) = self.phase.lock() {
            if let Some(bar) = p.as_ref() {
                bar.inc(1);
                bar.set_message(repo.to_string());
            }
        }
    }

    fn finish(&self, _phase: Phase) {
        if let Ok(mut p) = self.phase.lock() {
            if let Some(bar) = p.take() {
                bar.finish_and_clear();
            }
        }
    }

    fn transfer(&self, repo: &str, received: usize, total: usize) {
        let Ok(mut transfers) = self.transfers.lock() else {
            return;
        };
        let bar = transfers.entry(repo.to_string()).or_insert_with(|| {
            let bar = self.bars.add(ProgressBar::new(0));
            bar.set_style(style("{prefix:>9} {spinner} {msg} {pos}/{len} objects"));
            bar.set_message(repo.to_string());
            bar
        });
        bar.set_length(total as u64);
        bar.set_position(received as u64);
    }

    fn transferred(&self, repo: &str) {
        if let Ok(mut transfers) = self.transfers.lock() {
            if let Some(bar) = transfers.remove(repo) {
                bar.finish_and_clear();
            }
        }
    }
}
