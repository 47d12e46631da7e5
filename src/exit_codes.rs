//! Exit codes, as documented in the README and `--help`.

/// Every repository was audited.
pub const OK: u8 = 0;
/// The checklist score is below `--fail-under`.
pub const BELOW_THRESHOLD: u8 = 1;
/// `diff --fail-on-regression`: the head lost something the base had.
pub const REGRESSION: u8 = 1;
/// Usage or input error: bad arguments, a path that does not exist, invalid rules.
pub const USAGE: u8 = 2;
/// Some repositories could not be audited; the others are in the report.
pub const SOME_FAILED: u8 = 3;
