#!/usr/bin/env bash
# Installs portfolio-audit: the release's prebuilt binary for this machine,
# checked against the release's SHA256SUMS before anything of it runs, or,
# when no binary fits (another platform, no such release), a build from
# source with `cargo install --locked`. The GitHub Action's install step;
# it works anywhere bash, curl and tar do.
#
#   scripts/install.sh            # install (or find in the cache) and print the binary's path
#   scripts/install.sh --plan     # print version, target and folder, install nothing
#
# Settings (environment):
#   PORTFOLIO_AUDIT_VERSION      the version to install (default: this checkout's Cargo.toml)
#   PORTFOLIO_AUDIT_REPOSITORY   OWNER/NAME whose releases hold the binaries
#                                (default: the action's own repository)
#   PORTFOLIO_AUDIT_RELEASE_URL  the folder holding the release's files
#                                (default: $GITHUB_SERVER_URL/OWNER/NAME/releases/download/vVERSION)
#   PORTFOLIO_AUDIT_TARGET       the Rust target triple (default: this machine's)
#   PORTFOLIO_AUDIT_CACHE        where versions are kept (default: the runner's tool
#                                cache, else ~/.cache/portfolio-audit)
#   PORTFOLIO_AUDIT_CARGO        the cargo of the fallback build (default: cargo)
#
# In GitHub Actions the binary's folder is added to $GITHUB_PATH and its
# path written to $GITHUB_OUTPUT as `path`. Exit codes: 0 installed, 1 a
# download that does not match its checksum or a failed build, 2 a bad setting.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf 'portfolio-audit install: %s\n' "$*" >&2; }
fail() {
    say "error: $*"
    exit "${2:-1}"
}

# The version of the checkout this script belongs to: the action's own tag.
own_version() {
    sed -n 's/^version = "\([^"]*\)".*/\1/p' "$here/Cargo.toml" 2>/dev/null | head -n 1
}

# The Rust target of the release binary that runs here, or "" when there is none.
detect_target() {
    local os arch
    os="$(uname -s)"
    arch="$(uname -m)"
    case "$arch" in
        x86_64 | amd64) arch=x86_64 ;;
        aarch64 | arm64) arch=aarch64 ;;
        *) return 0 ;;
    esac
    case "$os" in
        Linux) echo "$arch-unknown-linux-gnu" ;;
        Darwin) echo "$arch-apple-darwin" ;;
        MINGW* | MSYS* | CYGWIN* | Windows_NT)
            if [ "$arch" = x86_64 ]; then echo "x86_64-pc-windows-msvc"; fi
            ;;
    esac
}

# Where the action's repository is: from the setting, the runner, or the
# path the runner checked the action out to (.../_actions/OWNER/NAME/REF).
repository() {
    if [ -n "${PORTFOLIO_AUDIT_REPOSITORY:-}" ]; then
        echo "$PORTFOLIO_AUDIT_REPOSITORY"
    elif [ -n "${GITHUB_ACTION_REPOSITORY:-}" ]; then
        echo "$GITHUB_ACTION_REPOSITORY"
    elif [[ "$here" =~ /_actions/([^/]+)/([^/]+)/[^/]+$ ]]; then
        echo "${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
    fi
}

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d ' ' -f 1
    else
        shasum -a 256 "$1" | cut -d ' ' -f 1
    fi
}

download() {
    curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
}

version="${PORTFOLIO_AUDIT_VERSION:-$(own_version)}"
version="${version#v}"
[ -n "$version" ] || fail "no version: set PORTFOLIO_AUDIT_VERSION" 2
[[ "$version" =~ ^[0-9A-Za-z.+-]+$ ]] || fail "not a version: $version" 2
target="${PORTFOLIO_AUDIT_TARGET:-$(detect_target)}"
cache="${PORTFOLIO_AUDIT_CACHE:-${RUNNER_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}}/portfolio-audit}"
dir="$cache/$version/${target:-source}"
exe=portfolio-audit
case "$target" in *windows*) exe=portfolio-audit.exe ;; esac
bin="$dir/bin/$exe"

if [ "${1:-}" = --plan ]; then
    printf 'version=%s\ntarget=%s\ndir=%s\n' "$version" "${target:-source}" "$dir"
    exit 0
fi

installed() {
    say "$1"
    if [ -n "${GITHUB_PATH:-}" ]; then echo "$dir/bin" >>"$GITHUB_PATH"; fi
    if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "path=$bin" >>"$GITHUB_OUTPUT"; fi
    echo "$bin"
    exit 0
}

if [ -x "$bin" ]; then
    installed "portfolio-audit $version ($target) from the cache: $bin"
fi

# The release's binary, when there is one for this target.
from_release() {
    [ -n "$target" ] || {
        say "no release binary is built for $(uname -s) $(uname -m)"
        return 1
    }
    local base="${PORTFOLIO_AUDIT_RELEASE_URL:-}"
    if [ -z "$base" ]; then
        local repo
        repo="$(repository)"
        [ -n "$repo" ] || {
            say "unknown repository for the release: set PORTFOLIO_AUDIT_REPOSITORY"
            return 1
        }
        base="${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download/v$version"
    fi
    base="${base%/}"
    local asset="portfolio-audit-$target.tar.gz"
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    if ! download "$base/SHA256SUMS" "$tmp/SHA256SUMS"; then
        say "no SHA256SUMS at $base (no such release?)"
        return 1
    fi
    local expected
    expected="$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")"
    if [ -z "$expected" ]; then
        say "the release has no $asset"
        return 1
    fi
    download "$base/$asset" "$tmp/$asset" || fail "$base/$asset: download failed"
    local actual
    actual="$(sha256 "$tmp/$asset")"
    if [ "$actual" != "$expected" ]; then
        fail "$asset: SHA-256 is $actual but SHA256SUMS says $expected: not installed, nothing run (a corrupted or tampered download)"
    fi
    mkdir -p "$tmp/x"
    tar -xzf "$tmp/$asset" -C "$tmp/x"
    local found
    found="$(find "$tmp/x" -type f -name "$exe" | head -n 1)"
    [ -n "$found" ] || fail "$asset holds no $exe"
    mkdir -p "$dir/bin"
    mv "$found" "$bin"
    chmod +x "$bin"
    echo "$actual  $asset" >"$dir/SHA256"
}

if from_release; then
    installed "portfolio-audit $version ($target): $bin (SHA-256 checked against SHA256SUMS)"
fi

# No binary fits: build this checkout (the action at its tag), or the
# version from crates.io when the script runs on its own.
cargo="${PORTFOLIO_AUDIT_CARGO:-cargo}"
if [ -f "$here/Cargo.toml" ] && [ "$(own_version)" = "$version" ]; then
    say "building portfolio-audit $version from $here with cargo install --locked (a few minutes)"
    "$cargo" install --locked --root "$dir" --path "$here" ||
        fail "cargo install failed"
else
    say "building portfolio-audit $version from crates.io with cargo install --locked (a few minutes)"
    "$cargo" install --locked --root "$dir" --version "$version" portfolio-audit ||
        fail "cargo install failed"
fi
[ -x "$bin" ] || fail "cargo install left no $bin"
installed "portfolio-audit $version built from source: $bin"
