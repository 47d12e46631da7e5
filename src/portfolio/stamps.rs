//! A working tree's files known by their stamps: what each file's content
//! hashed to, kept in the store with the file's size, times of change and
//! inode, so a re-scan reads only the files whose stamp is not the one
//! kept (git's index does the same).
//!
//! A stamp is trusted only where a change always alters it:
//! - the inode change time (`ctime`) is in it, and no program can set it
//!   back, as `touch -d` sets the modification time back;
//! - a file changed in the same tick of the file system's clock as it was
//!   hashed could keep its stamp ("racily clean", in git's words), so a
//!   file changed less than [`RACY`] before it was hashed is not kept;
//! - only on Unix, where `ctime` and the inode can be read.

use super::shard::digest;
use super::store::Store;
#[cfg(doc)]
use crate::source::stamp::RACY;
use crate::source::Stamp;
use rustc_hash::FxHashMap;
use std::path::Path;
use std::time::SystemTime;

/// The store's kind of entry for a working tree's stamps.
pub const KIND: &str = "stamps";

/// One file of a working tree: its path, its stamp and its content's hash.
pub type Row = (String, Stamp, [u8; 32]);

/// The stamps kept for one working tree.
pub struct Stamps {
    key: String,
    known: FxHashMap<String, (Stamp, [u8; 32])>,
}

impl Stamps {
    /// The stamps kept for the working tree at `root` (none when nothing
    /// was kept, or what was kept cannot be read).
    pub fn load(store: &Store, root: &Path) -> Stamps {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let key = digest([b"stamps 1".as_slice(), root.to_string_lossy().as_bytes()]);
        let known = store
            .get(&key)
            .and_then(|bytes| postcard::from_bytes::<Vec<Row>>(&bytes).ok())
            .unwrap_or_default()
            .into_iter()
            .map(|(path, stamp, hash)| (path, (stamp, hash)))
            .collect();
        Stamps { key, known }
    }

    /// The hash of the file at `path` (in the working tree), when its stamp
    /// is the one kept.
    pub fn hash_of(&self, path: &str, stamp: &Stamp) -> Option<blake3::Hash> {
        let (kept, hash) = self.known.get(path)?;
        (kept == stamp).then(|| blake3::Hash::from_bytes(*hash))
    }

    /// Keeps `rows`, each file's stamp and hash as hashed at `hashed_at`,
    /// but those whose stamp a change could have left as it was (see
    /// [`Stamp::racy`]); the store is written only when they changed.
    pub fn save(self, store: &Store, mut rows: Vec<Row>, hashed_at: SystemTime) {
        // Without an inode change time, a stamp could be set back.
        if !cfg!(unix) {
            return;
        }
        rows.retain(|(_, stamp, _)| !stamp.racy(hashed_at));
        let same = rows.len() == self.known.len()
            && rows
                .iter()
                .all(|(path, stamp, hash)| self.known.get(path) == Some(&(*stamp, *hash)));
        if same {
            return;
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        if let Ok(bytes) = postcard::to_stdvec(&rows) {
            store.put(&self.key, KIND, &bytes);
        }
    }
}
