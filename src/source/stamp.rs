//! What a file's metadata says of its content without reading it: its
//! stamp. A working tree's files are known again by their stamps in the
//! persistent cache (see `portfolio::stamps`).

use serde::{Deserialize, Serialize};
use std::fs::Metadata;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long before the hash a file's last change must be for its stamp to
/// be trusted: the coarsest clock of a common file system (FAT's, 2 s).
pub const RACY: Duration = Duration::from_secs(2);

/// What a file's metadata says of its content without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    size: u64,
    /// Modification time: seconds and nanoseconds since the epoch.
    modified: (i64, u32),
    /// Inode change time, as `modified` (`modified` where there is none).
    changed: (i64, u32),
    inode: u64,
    device: u64,
}

impl Stamp {
    /// The stamp of the file at `path` (a link is not followed).
    pub fn of(path: &Path) -> Option<Stamp> {
        Stamp::from_metadata(&std::fs::symlink_metadata(path).ok()?)
    }

    /// The stamp of a file with this metadata.
    pub fn from_metadata(meta: &Metadata) -> Option<Stamp> {
        let modified = since_epoch(meta.modified().ok()?);
        #[cfg(unix)]
        let (changed, inode, device) = {
            use std::os::unix::fs::MetadataExt;
            let nanos = u32::try_from(meta.ctime_nsec()).unwrap_or(0);
            ((meta.ctime(), nanos), meta.ino(), meta.dev())
        };
        #[cfg(not(unix))]
        let (changed, inode, device) = (modified, 0, 0);
        Some(Stamp {
            size: meta.len(),
            modified,
            changed,
            inode,
            device,
        })
    }

    /// Whether the file changed less than [`RACY`] before `hashed_at`, or
    /// after it: a change in the same tick could leave the stamp as it is.
    pub fn racy(&self, hashed_at: SystemTime) -> bool {
        let limit = since_epoch(hashed_at.checked_sub(RACY).unwrap_or(UNIX_EPOCH));
        self.modified >= limit || self.changed >= limit
    }
}

fn since_epoch(t: SystemTime) -> (i64, u32) {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            d.subsec_nanos(),
        ),
        // Before the epoch: as far back as can be said, never racy.
        Err(_) => (i64::MIN, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(modified: i64, changed: i64) -> Stamp {
        Stamp {
            size: 3,
            modified: (modified, 0),
            changed: (changed, 0),
            inode: 7,
            device: 1,
        }
    }

    #[test]
    fn a_change_within_the_racy_window_or_after_the_hash_is_racy() {
        let at = UNIX_EPOCH + Duration::from_secs(1_000);
        assert!(!stamp(990, 990).racy(at), "changed 10 s before");
        assert!(stamp(999, 990).racy(at), "modified 1 s before");
        assert!(stamp(990, 999).racy(at), "its inode changed 1 s before");
        assert!(stamp(1_005, 1_005).racy(at), "changed after the hash");
        assert!(stamp(998, 990).racy(at), "exactly at the limit");
    }
}
