#!/usr/bin/env bash
# Fans provisioned before the on-sale, as in real life (dev.ticketing.loadtest.ProvisionFans):
#   loadtest/provision-fans.sh -Dusers=50000                                   # against the local gateway
#   loadtest/provision-fans.sh -Dusers=50000 -DbaseUrl=https://ticketing.example.org   # against a cluster
# Creates fans <fanPrefix>-000001@loadtest.ticketing.local … idempotently through auth-svc's bulk admin path (one
# Argon2id hash computed here, at auth-svc's sign-up cost; no hashing on the server), keeps their tokens in
# loadtest/target/fans/<fanPrefix>.tsv (owner-only; the fans' random password next to it) and refreshes every access
# token that would expire within -DminValiditySeconds (default 600). Run it again right before the window: only what
# is missing is created, and every fan starts the sale with fresh tokens. The admin: TICKETING_ADMIN_EMAIL /
# TICKETING_ADMIN_PASSWORD, else the local stack's generated password (.devstack/admin-password).
set -euo pipefail
LT=$(cd "$(dirname "$0")" && pwd)
cd "$LT/.."
exec ./mvnw -B -q -f loadtest/pom.xml test-compile exec:java@provision -DrepoRoot="$PWD" "$@"
