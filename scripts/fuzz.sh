#!/usr/bin/env bash
# Runs every Go fuzz target in the module, one at a time, for FUZZTIME each.
#   FUZZTIME      per-target fuzzing time (default 10s; any `go test -fuzztime` value)
#   FUZZ_PKGS     packages to search (default ./...)
#   FUZZ_MATCH    only run targets whose name matches this extended regexp (default: all)
#   FUZZ_PARALLEL fuzzing workers per target (default: go test's, i.e. GOMAXPROCS)
# Exits non-zero if any target fails (or a package with targets does not build).
set -uo pipefail
cd "$(dirname "$0")/.."

GO="${GO:-go}"
FUZZTIME="${FUZZTIME:-10s}"
FUZZ_PKGS="${FUZZ_PKGS:-./...}"
FUZZ_MATCH="${FUZZ_MATCH:-.}"
parallel=()
[ -n "${FUZZ_PARALLEL:-}" ] && parallel=(-parallel "$FUZZ_PARALLEL")

log() { printf 'fuzz: %s\n' "$*" >&2; }

# Packages whose test files declare a fuzz target: a cheap filter so that we only
# compile test binaries that matter.
mapfile -t pkgs < <(
  # shellcheck disable=SC2086
  "$GO" list -f '{{.ImportPath}}{{range .TestGoFiles}} {{$.Dir}}/{{.}}{{end}}{{range .XTestGoFiles}} {{$.Dir}}/{{.}}{{end}}' $FUZZ_PKGS 2>/dev/null |
    while read -r pkg files; do
      [ -n "$files" ] || continue
      # shellcheck disable=SC2086
      if grep -qE '^func Fuzz[A-Z0-9_]' $files 2>/dev/null; then echo "$pkg"; fi
    done
)

if [ ${#pkgs[@]} -eq 0 ]; then
  log "no fuzz targets found in $FUZZ_PKGS"
  exit 0
fi

failed=()
ran=0
for pkg in "${pkgs[@]}"; do
  if ! list="$("$GO" test -list '^Fuzz' "$pkg" 2>&1)"; then
    log "FAIL $pkg: cannot list fuzz targets:"
    printf '%s\n' "$list" >&2
    failed+=("$pkg (build)")
    continue
  fi
  mapfile -t targets < <(printf '%s\n' "$list" | grep -E '^Fuzz' | grep -E -- "$FUZZ_MATCH")
  for target in "${targets[@]}"; do
    log "run $pkg $target for $FUZZTIME"
    ran=$((ran + 1))
    if ! "$GO" test -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "${parallel[@]}" "$pkg"; then
      log "FAIL $pkg $target"
      failed+=("$pkg $target")
    fi
  done
done

if [ ${#failed[@]} -gt 0 ]; then
  log "${#failed[@]} of $ran fuzz target(s) failed:"
  printf '  %s\n' "${failed[@]}" >&2
  exit 1
fi
log "all $ran fuzz target(s) passed ($FUZZTIME each)"
