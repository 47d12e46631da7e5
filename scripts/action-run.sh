#!/usr/bin/env bash
# The GitHub Action's run step (action.yml): audits with the installed
# portfolio-audit, writes the report, the job summary and the step outputs,
# and comments on the pull request. It never fails for what the audit found:
# it sets the output `failed` to the reason, and the action's last step fails
# the job after the SARIF upload.
#
# Inputs come in the environment (INPUT_COMMAND, INPUT_PATHS, INPUT_BASE,
# INPUT_ROADMAP, INPUT_FAIL_UNDER, INPUT_FAIL_ON_REGRESSION, INPUT_FORMAT,
# INPUT_COMMENT, INPUT_SARIF, INPUT_REPO_CONFIG), with the event's data (PR_NUMBER, PR_BASE,
# PR_HEAD, PR_REPO, PUSH_BEFORE) and GitHub's own variables; never pasted
# into the script. Needs jq, and gh for the comment.
set -euo pipefail

error() {
    echo "::error::portfolio-audit: $*"
    exit 2
}
output() { echo "$1=$2" >>"${GITHUB_OUTPUT:-/dev/null}"; }

subcommand="${INPUT_COMMAND:-}"
if [ -z "$subcommand" ]; then
    case "${GITHUB_EVENT_NAME:-}" in
        pull_request | pull_request_target) subcommand="diff" ;;
        *) subcommand=scan ;;
    esac
fi
format="${INPUT_FORMAT:-markdown}"
out="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/portfolio-audit"
mkdir -p "$out"
# Paths are separated by spaces or new lines.
read -r -a paths <<<"$(printf '%s' "${INPUT_PATHS:-.}" | tr '\n' ' ')"
[ ${#paths[@]} -gt 0 ] || paths=(.)
options=()
if [ -n "${INPUT_ROADMAP:-}" ]; then options+=(--roadmap "$INPUT_ROADMAP"); fi
# A pull request from a fork is graded by files its author wrote: their
# portfolio-audit.toml and .mailmap are shown, never applied, unless the
# workflow says otherwise.
from_fork=false
if [ -n "${PR_NUMBER:-}" ] && [ "${PR_REPO:-}" != "${GITHUB_REPOSITORY:-}" ]; then from_fork=true; fi
repo_config="${INPUT_REPO_CONFIG:-}"
if [ -z "$repo_config" ] && [ "$from_fork" = true ]; then repo_config=report; fi
case "$repo_config" in
    "") ;;
    trust | report | ignore)
        options+=(--repo-config "$repo_config")
        echo "portfolio-audit: the repository's own configuration: $repo_config"
        ;;
    *) error "repo-config must be trust, report or ignore, not '$repo_config'" ;;
esac
fail_under="${INPUT_FAIL_UNDER:-}"
if [ -n "$fail_under" ] && ! [[ "$fail_under" =~ ^[0-9]+$ ]]; then
    error "fail-under must be a number from 0 to 100, not '$fail_under'"
fi

failed=""
# Runs portfolio-audit; 0 is fine, 3 (a repository could not be audited)
# is reported and fails the job at the end, anything else stops here.
audit() {
    local status=0
    portfolio-audit "$@" || status=$?
    case "$status" in
        0) ;;
        3) failed="some repositories could not be audited (see the log)" ;;
        *) error "portfolio-audit $1 failed (exit code $status)" ;;
    esac
}

# The report file in the requested format: the JSON or Markdown already
# written, or one more run.
report_in() {
    local name="$1"
    shift
    case "$format" in
        json) echo "$out/$name.json" ;;
        markdown) echo "$out/$name.md" ;;
        *)
            audit "$@" --format "$format" -o "$out/$name.$format"
            echo "$out/$name.$format"
            ;;
    esac
}

markdown=""
regression=false
case "$subcommand" in
    scan | badge)
        audit scan "${paths[@]}" "${options[@]}" --format json -o "$out/report.json"
        score="$(jq -r '.portfolio.checklist.score' "$out/report.json")"
        if [ "$subcommand" = scan ]; then
            audit scan "${paths[@]}" "${options[@]}" --format markdown -o "$out/report.md"
            markdown="$out/report.md"
            report="$(report_in report scan "${paths[@]}" "${options[@]}")"
        else
            audit badge "${paths[@]}" "${options[@]}" --output "$out/badge.svg"
            report="$out/badge.svg"
            echo "portfolio-audit: checklist score **$score/100** (badge: \`$report\`)" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
        fi
        if [ -n "$fail_under" ] && [ "$score" -lt "$fail_under" ]; then
            failed="the checklist score $score is below fail-under $fail_under"
        fi
        ;;
    diff)
        base="${INPUT_BASE:-${PR_BASE:-${PUSH_BEFORE:-}}}"
        # A push that creates a branch has no commit before it.
        if [ -z "$base" ] || [[ "$base" =~ ^0+$ ]]; then
            error "diff needs a base revision: run it on pull requests, or set the base input"
        fi
        head="${PR_HEAD:-HEAD}"
        repo="${paths[0]}"
        audit diff "$repo" --base "$base" --head "$head" "${options[@]}" --format json -o "$out/diff.json"
        audit diff "$repo" --base "$base" --head "$head" "${options[@]}" --format markdown -o "$out/diff.md"
        markdown="$out/diff.md"
        score="$(jq -r '.score.after' "$out/diff.json")"
        regression="$(jq -r '.regression' "$out/diff.json")"
        report="$(report_in diff diff "$repo" --base "$base" --head "$head" "${options[@]}")"
        if [ "$regression" = true ] && [ "${INPUT_FAIL_ON_REGRESSION:-true}" = true ]; then
            failed="this change loses a competency or a checklist item, or adds a finding (see the summary)"
        fi
        ;;
    *) error "command must be scan, diff or badge, not '$subcommand'" ;;
esac

if [ -n "$markdown" ]; then
    cat "$markdown" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
fi

# Code scanning compares each analysis with the base branch's itself: it
# gets every finding of the code checked out, even for diff.
sarif=""
if [ "${INPUT_SARIF:-false}" = true ]; then
    sarif_paths=("${paths[@]}")
    if [ "$subcommand" = diff ]; then sarif_paths=("${paths[0]}"); fi
    audit scan "${sarif_paths[@]}" "${options[@]}" --format sarif -o "$out/portfolio-audit.sarif"
    sarif="$out/portfolio-audit.sarif"
fi

# One comment per pull request, updated on each push. A pull request from
# a fork gets a read-only token: it has the job summary.
if [ -n "$markdown" ] && [ "${INPUT_COMMENT:-true}" = true ] && [ -n "${PR_NUMBER:-}" ]; then
    if [ "$from_fork" = true ]; then
        echo "portfolio-audit: a pull request from a fork: no comment (the job summary has the report)"
    elif ! { gh pr comment "$PR_NUMBER" --body-file "$markdown" --edit-last ||
        gh pr comment "$PR_NUMBER" --body-file "$markdown"; }; then
        echo "::warning::portfolio-audit: could not comment on the pull request (does the job have pull-requests: write?)"
    fi
fi

output score "$score"
output regression "$regression"
output report-path "$report"
output sarif-path "$sarif"
output failed "$failed"
echo "portfolio-audit $subcommand: score $score, report $report${failed:+; $failed}"
