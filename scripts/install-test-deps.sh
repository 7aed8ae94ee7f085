#!/usr/bin/env bash
# Installs the real clients the tests drive. Idempotent; pinned where Go installs.
set -euo pipefail
need=()
for pair in aws:awscli s3cmd:s3cmd rclone:rclone; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
python3 -c 'import boto3' 2>/dev/null || need+=(python3-boto3)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
