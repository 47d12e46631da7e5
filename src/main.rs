use std::process::ExitCode;

// A scan makes millions of small, short-lived allocations (names, references,
// hits) across threads; mimalloc serves them in about half the instructions
// of glibc's malloc. tree-sitter keeps its own allocator (libc), so the
// bare-parse baseline of scripts/bench.sh is unchanged by this.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let code = portfolio_audit::run(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    ExitCode::from(code)
}
