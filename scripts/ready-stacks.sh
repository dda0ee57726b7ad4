#!/usr/bin/env bash
# The stacks a workflow may run on, decided in a job that names no GitHub Environment: a job that
# names an environment which does not exist creates it, without any protection, before any step runs.
# deploy.yml, pr.yml and drift.yml all call this one script.
#
# Usage: scripts/ready-stacks.sh <output> <what a skipped stack misses> <stacks JSON> <environment>...
#   output        the step output to write, as <output>=<JSON list> to $GITHUB_OUTPUT (and the
#                 job summary)
#   skipped       what a skipped stack is not, for the notice: "deployed", "previewed", ...
#   stacks JSON   the candidates, in order, e.g. ["dev","staging"] (scripts/stacks.ts)
#   environment   each GitHub Environment a stack needs; {stack} stands for the stack's name,
#                 e.g. '{stack}' '{stack}-preview'
#
# A stack is kept when its stack file is configured (`npm run check-stacks -- --stack <name>` exits
# 0) and each of its environments exists (GET /repos/{owner}/{repo}/environments/{name} answers 200,
# with $GITHUB_TOKEN, which needs `permissions: actions: read`). Skipped with a ::notice::, not a
# failure: a stack file still holding the example values (exit 3), a missing environment (404).
# Fails the step: a mistake in a stack file (any other exit), any other answer from GitHub.
# Run from the repository's root, after npm ci, as a GitHub Actions step (RUNNER_TEMP, GITHUB_*).
set -euo pipefail

if [ $# -lt 4 ]; then
  echo "Usage: scripts/ready-stacks.sh <output> <skipped> <stacks JSON> <environment>..." >&2
  exit 2
fi
output=$1
skipped=$2
candidates=$3
shift 3
templates=("$@")

environment_exists() {
  local status
  status="$(curl -sS -o "$RUNNER_TEMP/environment.json" -w '%{http_code}' \
    -H "Authorization: Bearer $GITHUB_TOKEN" -H "Accept: application/vnd.github+json" \
    -H "X-GitHub-Api-Version: 2022-11-28" \
    "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/environments/$1")" || status="no answer"
  case "$status" in
    200) return 0 ;;
    404) return 1 ;;
    *)
      echo "::error title=Cannot read the GitHub Environment $1::GET /repos/$GITHUB_REPOSITORY/environments/$1 answered HTTP $status. The job needs permissions: actions: read."
      exit 1
      ;;
  esac
}

ready() { # <stack>: 0 to keep it, 1 to skip it; exits on a mistake
  local stack=$1 status=0 template environment
  npm run --silent check-stacks -- --stack "$stack" 2> "$RUNNER_TEMP/check-stacks.txt" || status=$?
  case "$status" in
    0) ;;
    3)
      echo "::notice title=$stack is not configured yet::Pulumi.$stack.yaml still holds example values, so $stack is not $skipped: $(tr '\n' ' ' < "$RUNNER_TEMP/check-stacks.txt")"
      return 1
      ;;
    *)
      cat "$RUNNER_TEMP/check-stacks.txt" >&2
      echo "::error title=Pulumi.$stack.yaml::npm run check-stacks -- --stack $stack exited $status: $(tr '\n' ' ' < "$RUNNER_TEMP/check-stacks.txt")"
      exit 1
      ;;
  esac
  for template in "${templates[@]}"; do
    environment="${template//\{stack\}/$stack}"
    if ! environment_exists "$environment"; then
      echo "::notice title=$stack is not set up yet::The GitHub Environment $environment does not exist, so $stack is not $skipped. Create its environments with their protection first (docs/operations.md, Bootstrap): a job naming a missing environment would create it unprotected."
      return 1
    fi
  done
}

kept='[]'
stacks="$(jq -r '.[]' <<< "$candidates")"
for stack in $stacks; do
  if ready "$stack"; then kept="$(jq -c --arg s "$stack" '. + [$s]' <<< "$kept")"; fi
done
echo "$output=$kept" >> "$GITHUB_OUTPUT"
echo "Stacks to be $skipped ($output): $kept" >> "$GITHUB_STEP_SUMMARY"
