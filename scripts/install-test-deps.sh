#!/usr/bin/env bash
# Installs the real clients the end-to-end tests (tests/e2e) drive:
#   /usr/bin/aws, /usr/bin/s3cmd, /usr/bin/rclone, /usr/bin/python3 + boto3 (Debian packages)
#   $(go env GOPATH)/bin/mc (MinIO client, pinned; AGPL: we only run it, never import it)
# Idempotent and fast when everything is present. Works as root on a fresh
# Debian 12 machine (or as a user with passwordless sudo).
set -euo pipefail

# MC_VERSION pins mc. github.com/minio/mc publishes no Go module tags, so this is
# the pseudo-version `go install github.com/minio/mc@latest` resolved to.
MC_VERSION="${MC_VERSION:-v0.0.0-20250313080218-cf909e1063a9}"
GO="${GO:-go}"

log() { printf 'install-test-deps: %s\n' "$*" >&2; }

# Debian's tools are checked by absolute path: pyenv shims on PATH may shadow them.
need=()
[ -x /usr/bin/aws ] || need+=(awscli)
[ -x /usr/bin/s3cmd ] || need+=(s3cmd)
[ -x /usr/bin/rclone ] || need+=(rclone)
[ -x /usr/bin/curl ] || need+=(curl)
[ -x /usr/bin/openssl ] || need+=(openssl)
[ -e /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
if ! [ -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import boto3, urllib3' 2>/dev/null; then
  need+=(python3 python3-boto3 python3-urllib3)
fi

if [ ${#need[@]} -gt 0 ]; then
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo -n)
    else
      log "need root (or sudo) to install: ${need[*]}"
      exit 1
    fi
  fi
  log "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# mc: installed with the Go toolchain, pinned.
gobin="$("$GO" env GOBIN)"
[ -n "$gobin" ] || gobin="$("$GO" env GOPATH)/bin"
mc="$gobin/mc"
have=""
if [ -x "$mc" ]; then
  have="$("$GO" version -m "$mc" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/minio/mc" { print $3 }')"
fi
if [ "$have" != "$MC_VERSION" ]; then
  log "go install github.com/minio/mc@$MC_VERSION"
  GOFLAGS=-buildvcs=false "$GO" install "github.com/minio/mc@$MC_VERSION"
fi

# Final check: every client is where the tests look for it.
missing=()
for bin in /usr/bin/aws /usr/bin/s3cmd /usr/bin/rclone /usr/bin/curl /usr/bin/python3 "$mc"; do
  [ -x "$bin" ] || missing+=("$bin")
done
/usr/bin/python3 -c 'import boto3, urllib3' 2>/dev/null || missing+=("python3 module boto3/urllib3")
if [ ${#missing[@]} -gt 0 ]; then
  log "still missing: ${missing[*]}"
  exit 1
fi
log "ok: aws s3cmd rclone boto3 curl mc@$MC_VERSION"
