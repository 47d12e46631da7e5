//! The persistent cache's store: one SQLite file, `audits.sqlite`, in the
//! cache folder, holding values by key with the time each was last used.
//!
//! SQLite because several processes may use one cache folder at once (two
//! scans, the shards of a cohort on one machine): in WAL mode readers never
//! wait and writers take turns (each waits up to [`BUSY`] for the other),
//! and a process killed mid-write leaves the last committed state, which
//! the next opening recovers. redb, the other embedded store considered,
//! lets only one process hold the file at a time.
//!
//! Nothing in it is trusted blindly. Every value is stored with its BLAKE3
//! hash and checked when read; a value that does not match is discarded. A
//! file that SQLite finds is not a database, truncated or damaged is
//! discarded as a whole and made anew. Either way the audit is done again
//! and a warning says so. Any other failure (a read-only folder, a full
//! disk, a lock held too long) turns the cache off for the run, with a
//! warning: the cache never stops an audit.

use rusqlite::{params, Connection, ErrorCode, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The store's file in the cache folder.
pub const FILE_NAME: &str = "audits.sqlite";

/// How long a process waits for another one's write.
pub const BUSY: Duration = Duration::from_secs(30);

/// The tables' layout; a store of another layout is made anew.
const FORMAT: &str = "2";

/// Each entry's kind, size and time of last use, in small rows apart from
/// its value: a run that reads thousands of files' analyses marks each
/// used without writing its value again, and eviction and `cache info`
/// read only these rows.
const SCHEMA: &str = "
    DROP TABLE IF EXISTS entries;
    DROP TABLE IF EXISTS payloads;
    CREATE TABLE entries (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        size INTEGER NOT NULL,
        used INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX entries_by_use ON entries (used);
    CREATE TABLE payloads (
        key TEXT PRIMARY KEY,
        checksum TEXT NOT NULL,
        value BLOB NOT NULL
    );
";

/// What is in a store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contents {
    /// Entries by kind, in kind order: (kind, entries, bytes).
    pub kinds: Vec<(String, u64, u64)>,
    /// Bytes of every entry (what `--cache-max-size` bounds).
    pub bytes: u64,
    /// Bytes of the files on disk (the database and its write-ahead log).
    pub on_disk: u64,
}

/// The store of one run, shared by its threads.
pub struct Store {
    path: PathBuf,
    /// `None` once the store could not be used: the run goes on without it.
    conn: Mutex<Option<Connection>>,
    warnings: Mutex<Vec<String>>,
}

/// Why a store cannot be used.
enum Failure {
    /// Not a database, truncated, damaged: discard it and start again.
    Damaged(String),
    /// Anything else: go on without the cache.
    Other(String),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Failure {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                Failure::Damaged(e.to_string())
            }
            _ => Failure::Other(e.to_string()),
        }
    }
}

/// The checksum a value is stored with (BLAKE3, hex).
pub fn checksum(value: &[u8]) -> String {
    blake3::hash(value).to_hex().to_string()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The store's files: the database, its write-ahead log and shared memory.
fn files(path: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    };
    [path.to_path_buf(), with("-wal"), with("-shm")]
}

/// The layout the store's tables have, when they have one.
fn format(conn: &Connection) -> Result<Option<String>, rusqlite::Error> {
    conn.query_row("SELECT value FROM meta WHERE key = 'format'", [], |r| {
        r.get(0)
    })
    .optional()
}

/// Opens the database at `path` (creating it) and checks that it reads.
fn connect(path: &Path) -> Result<Connection, Failure> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(BUSY)?;
    // Before the first table, or it is too late: freed pages go back to the disk.
    conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Failure::Other(format!("journal mode {mode}, not WAL")));
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    )?;
    if format(&conn)?.as_deref() != Some(FORMAT) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have made it anew meanwhile.
        if format(&tx)?.as_deref() != Some(FORMAT) {
            tx.execute_batch(SCHEMA)?;
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('format', ?1)",
                params![FORMAT],
            )?;
        }
        tx.commit()?;
    }
    // Reads the index of every entry and value: a truncated or damaged
    // file shows here.
    conn.query_row(
        "SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM payloads)",
        [],
        |r| r.get::<_, i64>(0),
    )?;
    Ok(conn)
}

/// Opens the store in `path`; a damaged one is removed and made anew,
/// with a warning.
fn open_or_rebuild(path: &Path, warnings: &mut Vec<String>) -> Result<Connection, String> {
    match connect(path) {
        Ok(c) => Ok(c),
        Err(Failure::Damaged(why)) => {
            warnings.push(damaged(path, &why));
            remove(path);
            connect(path).map_err(|f| match f {
                Failure::Damaged(w) | Failure::Other(w) => w,
            })
        }
        Err(Failure::Other(why)) => Err(why),
    }
}

fn damaged(path: &Path, why: &str) -> String {
    format!(
        "the cache {} is damaged ({why}): discarded and built again",
        path.display()
    )
}

fn remove(path: &Path) {
    for f in files(path) {
        let _ = std::fs::remove_file(f);
    }
}

impl Store {
    /// The store of the cache folder `dir`, created when there is none.
    /// `None` when it cannot be used (the warnings say why); a damaged one
    /// is made anew.
    pub fn open(dir: &Path, warnings: &mut Vec<String>) -> Option<Store> {
        let path = dir.join(FILE_NAME);
        if let Err(e) = std::fs::create_dir_all(dir) {
            warnings.push(unusable(&path, &e.to_string()));
            return None;
        }
        match open_or_rebuild(&path, warnings) {
            Ok(conn) => Some(Store {
                path,
                conn: Mutex::new(Some(conn)),
                warnings: Mutex::new(Vec::new()),
            }),
            Err(why) => {
                warnings.push(unusable(&path, &why));
                None
            }
        }
    }

    /// Runs `work` on the connection; a damaged store is made anew, any
    /// other failure turns the store off. `None` when it is off or failed.
    fn with<T>(&self, work: impl Fn(&mut Connection) -> Result<T, Failure>) -> Option<T> {
        let mut guard = self.conn.lock().ok()?;
        let conn = guard.as_mut()?;
        let failure = match work(conn) {
            Ok(v) => return Some(v),
            Err(f) => f,
        };
        let mut warnings = self.warnings.lock().ok()?;
        match failure {
            Failure::Damaged(why) => {
                warnings.push(damaged(&self.path, &why));
                // Closed first, so no handle of ours writes to the old file.
                *guard = None;
                remove(&self.path);
                match open_or_rebuild(&self.path, &mut warnings) {
                    Ok(c) => *guard = Some(c),
                    Err(why) => warnings.push(unusable(&self.path, &why)),
                }
            }
            Failure::Other(why) => {
                warnings.push(unusable(&self.path, &why));
                *guard = None;
            }
        }
        None
    }

    /// The value under `key`, when its checksum holds (marked as just
    /// used); a value that does not match is discarded, with a warning.
    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.get_many(&[key]).pop().flatten()
    }

    /// Keeps `value` under `key`, as an entry of this kind.
    pub fn put(&self, key: &str, kind: &str, value: &[u8]) {
        self.put_many(kind, &[(key, value)]);
    }

    /// The values under `keys`, in order, like [`Store::get`] each, in one
    /// transaction.
    pub fn get_many(&self, keys: &[&str]) -> Vec<Option<Vec<u8>>> {
        if keys.is_empty() {
            return Vec::new();
        }
        let found = self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut out = Vec::with_capacity(keys.len());
            let mut damaged = 0;
            {
                let mut select = tx.prepare_cached(
                    "SELECT value, checksum FROM payloads JOIN entries USING (key) WHERE key = ?1",
                )?;
                let mut touch = tx.prepare_cached("UPDATE entries SET used = ?2 WHERE key = ?1")?;
                let now = now_ms();
                for key in keys {
                    let row: Option<(Vec<u8>, String)> = select
                        .query_row(params![key], |r| Ok((r.get(0)?, r.get(1)?)))
                        .optional()?;
                    match row {
                        None => out.push(None),
                        Some((value, sum)) if checksum(&value) != sum => {
                            delete(&tx, key)?;
                            damaged += 1;
                            out.push(None);
                        }
                        Some((value, _)) => {
                            touch.execute(params![key, now])?;
                            out.push(Some(value));
                        }
                    }
                }
            }
            tx.commit()?;
            Ok((out, damaged))
        });
        let Some((out, damaged)) = found else {
            return vec![None; keys.len()];
        };
        if damaged > 0 {
            self.warn(format!(
                "the cache {} held {damaged} damaged entr{}: discarded, and audited again",
                self.path.display(),
                if damaged == 1 { "y" } else { "ies" }
            ));
        }
        out
    }

    /// Keeps each value under its key, as entries of this kind, in one transaction.
    pub fn put_many(&self, kind: &str, entries: &[(impl AsRef<str>, impl AsRef<[u8]>)]) {
        if entries.is_empty() {
            return;
        }
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut entry = tx.prepare_cached(
                    "INSERT OR REPLACE INTO entries (key, kind, size, used) VALUES (?1, ?2, ?3, ?4)",
                )?;
                let mut payload = tx.prepare_cached(
                    "INSERT OR REPLACE INTO payloads (key, checksum, value) VALUES (?1, ?2, ?3)",
                )?;
                let now = now_ms();
                for (key, value) in entries {
                    let (key, value) = (key.as_ref(), value.as_ref());
                    let size = (key.len() + value.len() + 64) as i64;
                    entry.execute(params![key, kind, size, now])?;
                    payload.execute(params![key, checksum(value), value])?;
                }
            }
            tx.commit()?;
            Ok(())
        });
    }

    /// Removes the least recently used entries until the entries hold at
    /// most `max` bytes, and gives their pages back to the disk.
    pub fn evict(&self, max: u64) {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let total: i64 =
                tx.query_row("SELECT COALESCE(SUM(size), 0) FROM entries", [], |r| {
                    r.get(0)
                })?;
            let mut over = total - max as i64;
            if over <= 0 {
                return Ok(());
            }
            let mut oldest: Vec<String> = Vec::new();
            {
                let mut stmt = tx.prepare("SELECT key, size FROM entries ORDER BY used, key")?;
                let mut rows = stmt.query([])?;
                while over > 0 {
                    let Some(row) = rows.next()? else { break };
                    oldest.push(row.get(0)?);
                    over -= row.get::<_, i64>(1)?;
                }
            }
            for key in &oldest {
                delete(&tx, key)?;
            }
            tx.commit()?;
            conn.execute_batch("PRAGMA incremental_vacuum;")?;
            Ok(())
        });
    }

    /// What the store holds.
    pub fn contents(&self) -> Option<Contents> {
        let mut contents = self.with(|conn| {
            let mut stmt = conn.prepare(
                "SELECT kind, count(*), SUM(size) FROM entries GROUP BY kind ORDER BY kind",
            )?;
            let kinds = stmt
                .query_map([], |r| {
                    Ok((
                        r.get(0)?,
                        r.get::<_, i64>(1)? as u64,
                        r.get::<_, i64>(2)? as u64,
                    ))
                })?
                .collect::<Result<Vec<(String, u64, u64)>, _>>()?;
            Ok(Contents {
                bytes: kinds.iter().map(|k| k.2).sum(),
                kinds,
                on_disk: 0,
            })
        })?;
        contents.on_disk = files(&self.path)
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        Some(contents)
    }

    /// Removes every entry, and gives the space back to the disk.
    pub fn clear(&self) -> bool {
        self.with(|conn| {
            conn.execute_batch("DELETE FROM entries; DELETE FROM payloads; VACUUM;")?;
            Ok(())
        })
        .is_some()
    }

    /// Where the store lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn warn(&self, message: String) {
        if let Ok(mut w) = self.warnings.lock() {
            w.push(message);
        }
    }

    /// The warnings of the run so far, taken.
    pub fn take_warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }
}

/// Removes the entry under `key` and its value.
fn delete(conn: &Connection, key: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM entries WHERE key = ?1")?
        .execute(params![key])?;
    conn.prepare_cached("DELETE FROM payloads WHERE key = ?1")?
        .execute(params![key])?;
    Ok(())
}

fn unusable(path: &Path, why: &str) -> String {
    format!(
        "the cache {} cannot be used ({why}): nothing is cached this run",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &Path) -> (Store, Vec<String>) {
        let mut warnings = Vec::new();
        let s = Store::open(dir, &mut warnings).expect("a store opens");
        (s, warnings)
    }

    #[test]
    fn values_come_back_and_the_least_recently_used_go_first() {
        let dir = tempfile::tempdir().unwrap();
        let (s, warnings) = store(dir.path());
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(s.get("a"), None);
        for k in ["a", "b", "c"] {
            s.put(k, "repo", &[b'x'; 1000]);
            std::thread::sleep(Duration::from_millis(3));
        }
        assert_eq!(s.get("a").as_deref(), Some(&[b'x'; 1000][..]));
        // "b" is now the least recently used: it goes first.
        s.evict(2200);
        assert!(s.get("b").is_none());
        assert!(s.get("a").is_some() && s.get("c").is_some());
        let c = s.contents().unwrap();
        assert_eq!(c.kinds, vec![("repo".to_string(), 2, 2 * 1065)]);
        assert!(s.clear());
        assert_eq!(s.contents().unwrap().bytes, 0);
        assert!(s.take_warnings().is_empty());
    }

    #[test]
    fn a_value_that_does_not_match_its_checksum_is_discarded() {
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = store(dir.path());
        s.put("k", "repo", b"{\"level\": 3}");
        s.with(|c| {
            c.execute(
                "UPDATE payloads SET value = X'7B226C6576656C223A20327D'",
                [],
            )?;
            Ok(())
        });
        assert_eq!(s.get("k"), None);
        let w = s.take_warnings();
        assert!(w[0].contains("damaged entry"), "{w:?}");
        assert_eq!(s.get("k"), None, "removed");
    }

    #[test]
    fn many_values_come_back_in_order_and_a_damaged_one_is_discarded() {
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = store(dir.path());
        let kept = vec![
            ("a".to_string(), b"1".to_vec()),
            ("b".into(), b"2".to_vec()),
        ];
        s.put_many("file", &kept);
        assert_eq!(
            s.get_many(&["b", "x", "a"]),
            vec![Some(b"2".to_vec()), None, Some(b"1".to_vec())]
        );
        s.with(|c| {
            c.execute("UPDATE payloads SET value = X'33' WHERE key = 'a'", [])?;
            Ok(())
        });
        assert_eq!(s.get_many(&["a", "b"]), vec![None, Some(b"2".to_vec())]);
        let w = s.take_warnings();
        assert!(w.len() == 1 && w[0].contains("1 damaged entry"), "{w:?}");
        assert_eq!(s.contents().unwrap().kinds[0].1, 1, "removed");
    }

    #[test]
    fn a_store_of_the_earlier_layout_is_made_anew_without_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
        conn.execute_batch(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO meta VALUES ('format', '1');
             CREATE TABLE entries (key TEXT PRIMARY KEY, kind TEXT NOT NULL,
                 value BLOB NOT NULL, checksum TEXT NOT NULL, size INTEGER NOT NULL,
                 used INTEGER NOT NULL);
             INSERT INTO entries VALUES ('k', 'repo', X'76', 'x', 65, 1);",
        )
        .unwrap();
        drop(conn);
        let (s, warnings) = store(dir.path());
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(s.get("k"), None, "what the old layout held is gone");
        s.put("k", "repo", b"v");
        assert_eq!(s.get("k").as_deref(), Some(&b"v"[..]));
        assert!(s.take_warnings().is_empty());
    }

    #[test]
    fn a_file_that_is_not_a_database_is_made_anew() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), vec![0xA5; 8192]).unwrap();
        let (s, warnings) = store(dir.path());
        assert!(warnings[0].contains("is damaged"), "{warnings:?}");
        s.put("k", "repo", b"v");
        assert_eq!(s.get("k").as_deref(), Some(&b"v"[..]));
    }
}
