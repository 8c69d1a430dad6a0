#!/usr/bin/env bash
# Records what real nginx and HAProxy (Debian 12's packages) pick, on loopback, into the fixtures
# that tests/models/real_balancer_fixtures_test.cpp compares lbsim's balancers with. CI does not run
# this: it needs the two programs; the fixtures it writes are committed.
#
#   bash bench/real_balancers/record.sh          (as root: installs nginx and haproxy if missing)
#
# Everything listens on 127.0.0.0/8 only, every request count is bounded, and every process the
# recorder starts is stopped by its process id (record.py). The packages' own services are kept
# from starting while they install (policy-rc.d), so nothing listens on a public address.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v haproxy >/dev/null || missing+=(haproxy)
if ((${#missing[@]})); then
  made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  trap '[[ $made_policy == 1 ]] && rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 bench/real_balancers/record.py tests/data/real-balancers
