//! What a long audit tells its caller while it runs: phases over the
//! accounts (listing) and the repositories (fetching, scanning), and each
//! clone's transfer. The library only reports; the command line draws bars,
//! a library caller may ignore it.

/// A phase of an audit over several repositories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Listing accounts' repositories through their platform's API.
    Listing,
    /// Cloning or fetching URL inputs into the cache.
    Fetching,
    /// Auditing repositories.
    Scanning,
}

impl Phase {
    /// The verb a progress line shows.
    pub fn verb(self) -> &'static str {
        match self {
            Phase::Listing => "Listing",
            Phase::Fetching => "Fetching",
            Phase::Scanning => "Scanning",
        }
    }
}

/// Told what happens, from the audit's worker threads.
pub trait Progress: Sync {
    /// A phase starts over `total` repositories.
    fn start(&self, _phase: Phase, _total: usize) {}
    /// One repository of the phase is done.
    fn done(&self, _phase: Phase, _repo: &str) {}
    /// The phase is over.
    fn finish(&self, _phase: Phase) {}
    /// A clone of `repo` received `received` of `total` objects.
    fn transfer(&self, _repo: &str, _received: usize, _total: usize) {}
    /// The clone of `repo` is over.
    fn transferred(&self, _repo: &str) {}
}

/// Progress nobody watches.
pub struct Silent;

impl Progress for Silent {}
