#!/usr/bin/env bash
# Starts the whole Stadtportal stack on this machine:
# installs missing Debian packages, builds, starts redis-server (AOF on, data in
# .local/redis), every service and the gateway on localhost, and loads the demo
# catalog. Stop it with deploy/local/down.sh.
#
# Ports (override by environment): STADT_HTTP_PORT (8080), STADT_REDIS_PORT (6390),
# STADT_APPOINTMENTS_PORT (50051), STADT_VIDEO_PORT (50052), STADT_DAYCARE_PORT (50053),
# STADT_PARKING_PORT (50054), STADT_MONITORING_PORT (50055), STADT_NOTIFICATIONS_PORT (50056),
# STADT_PRIVACY_PORT (50057),
# STADT_AUDIT_PORT (50058),
# STADT_SMTP_PORT (2525: the local mail server, deploy/local/smtp_sink.py, which keeps
# every mail as a file in .local/mail), STADT_OIDC_PORT (9400: the OpenID provider of
# deploy/oidc, whose demo staff accounts sign in to the staff app at /staff/),
# STADT_ADMIN_PORT (9090: the gateway's admin listener, GET /metrics).
#
# The gateway runs its edge as in production (deploy/local/gateway.env): rate limits
# and proof of work on booking holds, both in Redis. For load tests switch them off:
# STADT_POW=off (no proof of work) and STADT_RATE_LIMITS=off (no rate limits).
# deploy/local/book.py books an appointment through it, solving the challenge.
#
# Redis in either mode (STADT_REDIS_MODE): `single` (default) is one redis-server on
# STADT_REDIS_PORT; `cluster` is a three-primary Redis Cluster on STADT_REDIS_PORT and
# the two ports after it (6390-6392, bus ports 16390-16392, data in .local/redis-cluster,
# deploy/local/redis_cluster.sh), the services started with REDIS_MODE=cluster and the
# three nodes as REDIS_SEEDS. The gateway's edge state (rate limits, used proof-of-work
# challenges) then lives in a small redis-server of its own on STADT_EDGE_REDIS_PORT
# (6393): the gateway speaks to one Redis only, and in production to none.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"

HTTP_PORT="${STADT_HTTP_PORT:-8080}"
REDIS_PORT="${STADT_REDIS_PORT:-6390}"
REDIS_MODE="${STADT_REDIS_MODE:-single}"
EDGE_REDIS_PORT="${STADT_EDGE_REDIS_PORT:-$((REDIS_PORT + 3))}"
APPOINTMENTS_PORT="${STADT_APPOINTMENTS_PORT:-50051}"
VIDEO_PORT="${STADT_VIDEO_PORT:-50052}"
DAYCARE_PORT="${STADT_DAYCARE_PORT:-50053}"
PARKING_PORT="${STADT_PARKING_PORT:-50054}"
MONITORING_PORT="${STADT_MONITORING_PORT:-50055}"
NOTIFICATIONS_PORT="${STADT_NOTIFICATIONS_PORT:-50056}"
PRIVACY_PORT="${STADT_PRIVACY_PORT:-50057}"
AUDIT_PORT="${STADT_AUDIT_PORT:-50058}"
SMTP_PORT="${STADT_SMTP_PORT:-2525}"
OIDC_PORT="${STADT_OIDC_PORT:-9400}"
ADMIN_PORT="${STADT_ADMIN_PORT:-9090}"
STATE="$ROOT/.local"
BUILD="$ROOT/build/local"
ISSUER="http://127.0.0.1:$OIDC_PORT"
AUDIENCE="stadtportal"

deploy/setup.sh

echo "== build"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTADT_BUILD_TESTS=OFF > /dev/null
cmake --build "$BUILD" -j "${STADT_JOBS:-2}" --target stadt-gateway stadt-appointments stadt-daycare stadt-parking \
  stadt-video stadt-monitoring stadt-notifications stadt-privacy stadt-audit stadt-mint-token

mkdir -p "$STATE/redis" "$STATE/run" "$STATE/log" "$STATE/keys" "$STATE/mail"
if [ -e "$STATE/run/gateway.pid" ]; then
  echo "the stack seems to be running already; stop it first with deploy/local/down.sh" >&2
  exit 1
fi

# A development signing key for tokens; the gateway only ever sees the public half.
if [ ! -f "$STATE/keys/dev-private.pem" ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$STATE/keys/dev-private.pem"
  openssl pkey -in "$STATE/keys/dev-private.pem" -pubout -out "$STATE/keys/dev-public.pem"
  "$BUILD/gateway/tools/stadt-mint-token" --emit-keyfile "$STATE/keys/dev-public.pem" \
    --kid dev-1 --alg ES256 > "$STATE/keys/keys.json"
fi
# The appointments service's master key (contact-data encryption, manage tokens).
if [ ! -f "$STATE/keys/appointments.key" ]; then
  openssl rand -base64 32 > "$STATE/keys/appointments.key"
fi
# The video service's master key, and the secret it shares with the Jitsi server
# to sign join links (a local Jitsi would be configured with the same one).
if [ ! -f "$STATE/keys/video.key" ]; then
  openssl rand -base64 32 > "$STATE/keys/video.key"
  openssl rand -hex 32 > "$STATE/keys/jitsi-app-secret"
fi

# The proof-of-work secret: signs the challenges (every replica shares it).
if [ ! -f "$STATE/keys/pow-secret" ]; then
  openssl rand -base64 48 > "$STATE/keys/pow-secret"
fi

# The parking and daycare master keys: they seal the addresses of the parking
# reminder and of the guardians, which only the notifications service opens.
for service in parking daycare; do
  if [ ! -f "$STATE/keys/$service.key" ]; then
    openssl rand -base64 32 > "$STATE/keys/$service.key"
  fi
done
# The daycare season whose parents are mailed (and whose offers are reminded).
DAYCARE_SEASON="${STADT_DAYCARE_SEASON:-kita-2027}"

wait_for() {  # wait_for NAME COMMAND...
  local name="$1"; shift
  for _ in $(seq 1 100); do
    if "$@" > /dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "$name did not come up; see $STATE/log/" >&2
  exit 1
}

case "$REDIS_MODE" in
single)
  echo "== redis on 127.0.0.1:$REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$STATE/redis" \
    --appendonly yes --appendfsync always --save "" \
    --daemonize yes --pidfile "$STATE/run/redis.pid" --logfile "$STATE/log/redis.log"
  wait_for redis redis-cli -p "$REDIS_PORT" ping
  GATEWAY_REDIS_PORT="$REDIS_PORT"
  export REDIS_MODE=single
  ;;
cluster)
  CLUSTER_PORTS=("$REDIS_PORT" "$((REDIS_PORT + 1))" "$((REDIS_PORT + 2))")
  echo "== redis cluster on 127.0.0.1:${CLUSTER_PORTS[*]} (three primaries; data in .local/redis-cluster)"
  # shellcheck source=deploy/local/redis_cluster.sh
  . "$ROOT/deploy/local/redis_cluster.sh"
  REDIS_CLUSTER_RUN_DIR="$STATE/run" start_redis_cluster "$STATE/redis-cluster" "${CLUSTER_PORTS[@]}" \
    -- --appendonly yes --appendfsync always --save ""
  echo "== redis for the gateway's edge state on 127.0.0.1:$EDGE_REDIS_PORT"
  mkdir -p "$STATE/redis-edge"
  redis-server --port "$EDGE_REDIS_PORT" --bind 127.0.0.1 --dir "$STATE/redis-edge" \
    --appendonly yes --save "" \
    --daemonize yes --pidfile "$STATE/run/redis-edge.pid" --logfile "$STATE/log/redis-edge.log"
  wait_for redis-edge redis-cli -p "$EDGE_REDIS_PORT" ping
  GATEWAY_REDIS_PORT="$EDGE_REDIS_PORT"
  # Every service below reads these (services/common/service_env.cc); REDIS_ADDRESS,
  # set per service, is one of the seeds.
  export REDIS_MODE=cluster
  REDIS_SEEDS="$(redis_cluster_seeds "${CLUSTER_PORTS[@]}")"
  export REDIS_SEEDS
  ;;
*)
  echo "STADT_REDIS_MODE must be single or cluster, not $REDIS_MODE" >&2
  exit 1
  ;;
esac

start() {  # start NAME BINARY [ARGS...]  (environment passed by the caller)
  local name="$1"; shift
  nohup "$@" >> "$STATE/log/$name.log" 2>&1 &
  echo $! > "$STATE/run/$name.pid"
}

# The services report their KPIs to the monitoring service (started first).
export MONITORING_ADDRESS="127.0.0.1:$MONITORING_PORT"

echo "== monitoring on 127.0.0.1:$MONITORING_PORT"
MONITORING_GRPC_ADDRESS="127.0.0.1:$MONITORING_PORT" \
REDIS_ADDRESS="127.0.0.1:$REDIS_PORT" \
MONITORING_CATALOG_FILE="$ROOT/services/monitoring/seed/catalog.json" \
  start monitoring "$BUILD/services/monitoring/stadt-monitoring"

echo "== appointments on 127.0.0.1:$APPOINTMENTS_PORT"
APPOINTMENTS_GRPC_ADDRESS="127.0.0.1:$APPOINTMENTS_PORT" \
REDIS_ADDRESS="127.0.0.1:$REDIS_PORT" \
APPOINTMENTS_SEED_FILE="$ROOT/services/appointments/seed/catalog.json" \
APPOINTMENTS_SECRET_KEY="$(cat "$STATE/keys/appointments.key")" \
  start appointments "$BUILD/services/appointments/stadt-appointments"

echo "== daycare on 127.0.0.1:$DAYCARE_PORT"
DAYCARE_GRPC_ADDRESS="127.0.0.1:$DAYCARE_PORT" \
REDIS_ADDRESS="127.0.0.1:$REDIS_PORT" \
DAYCARE_POLICY_FILE="$ROOT/services/daycare/seed/policy.json" \
DAYCARE_SECRET_KEY="$(cat "$STATE/keys/daycare.key")" \
DAYCARE_SEASON_ID="$DAYCARE_SEASON" \
  start daycare "$BUILD/services/daycare/stadt-daycare"

echo "== parking on 127.0.0.1:$PARKING_PORT"
PARKING_GRPC_ADDRESS="127.0.0.1:$PARKING_PORT" \
REDIS_ADDRESS="127.0.0.1:$REDIS_PORT" \
PARKING_TARIFFS_FILE="$ROOT/services/parking/seed/tariffs.json" \
PARKING_ZONES_FILE="$ROOT/services/parking/seed/zones.geojson" \
PARKING_PERMIT_AREAS_FILE="$ROOT/services/parking/seed/permit_areas.json" \
PARKING_SECRET_KEY="$(cat "$STATE/keys/parking.key")" \
  start parking "$BUILD/services/parking/stadt-parking"

echo "== video on 127.0.0.1:$VIDEO_PORT"
VIDEO_GRPC_ADDRESS="127.0.0.1:$VIDEO_PORT" \
REDIS_ADDRESS="127.0.0.1:$REDIS_PORT" \
VIDEO_SEED_FILE="$ROOT/services/video/seed/catalog.json" \
VIDEO_CONSENT_TEXTS_FILE="$ROOT/services/video/seed/consent_texts.json" \
VIDEO_SECRET_KEY="$(cat "$STATE/keys/video.key")" \
VIDEO_JITSI_APP_ID=stadtportal-dev \
VIDEO_JITSI_APP_SECRET="$(cat "$STATE/keys/jitsi-app-secret")" \
VIDEO_BASE_URL="${STADT_VIDEO_BASE_URL:-https://meet.localhost}" \
  start video "$BUILD/services/video/stadt-video"

echo "== mail server (SMTP) on 127.0.0.1:$SMTP_PORT, every mail a file in .local/mail"
start smtp /usr/bin/python3 "$ROOT/deploy/local/smtp_sink.py" --port "$SMTP_PORT" --dir "$STATE/mail"
wait_for smtp bash -c "exec 3<>/dev/tcp/127.0.0.1/$SMTP_PORT"

echo "== notifications on 127.0.0.1:$NOTIFICATIONS_PORT"
NOTIFICATIONS_GRPC_ADDRESS="127.0.0.1:$NOTIFICATIONS_PORT" \
REDIS_ADDRESS="127.0.0.1:$REDIS_PORT" \
APPOINTMENTS_SECRET_KEY="$(cat "$STATE/keys/appointments.key")" \
VIDEO_SECRET_KEY="$(cat "$STATE/keys/video.key")" \
PARKING_SECRET_KEY="$(cat "$STATE/keys/parking.key")" \
DAYCARE_SECRET_KEY="$(cat "$STATE/keys/daycare.key")" \
DAYCARE_SEASON_ID="$DAYCARE_SEASON" \
NOTIFICATIONS_TEMPLATES_DIR="$ROOT/services/notifications/templates" \
NOTIFICATIONS_SMTP_PORT="$SMTP_PORT" NOTIFICATIONS_SMTP_TLS=none \
NOTIFICATIONS_PORTAL_URL="http://127.0.0.1:$HTTP_PORT" \
  start notifications "$BUILD/services/notifications/stadt-notifications"

echo "== privacy (GET/DELETE /v1/me/data) on 127.0.0.1:$PRIVACY_PORT"
PRIVACY_GRPC_ADDRESS="127.0.0.1:$PRIVACY_PORT" \
REDIS_ADDRESS="127.0.0.1:$REDIS_PORT" \
PRIVACY_APPOINTMENTS_ADDRESS="127.0.0.1:$APPOINTMENTS_PORT" \
PRIVACY_VIDEO_ADDRESS="127.0.0.1:$VIDEO_PORT" \
PRIVACY_DAYCARE_ADDRESS="127.0.0.1:$DAYCARE_PORT" \
PRIVACY_PARKING_ADDRESS="127.0.0.1:$PARKING_PORT" \
PRIVACY_NOTIFICATIONS_ADDRESS="127.0.0.1:$NOTIFICATIONS_PORT" \
  start privacy "$BUILD/services/privacy/stadt-privacy"

echo "== staff web app (web/staff) into $STATE/staff-app"
node web/staff/build.mjs "$STATE/staff-app" > /dev/null

echo "== OpenID provider on $ISSUER (deploy/oidc, demo staff accounts)"
OIDC_PORT="$OIDC_PORT" OIDC_AUDIENCE="$AUDIENCE" \
OIDC_REDIRECT_URIS="http://127.0.0.1:$HTTP_PORT/staff/,http://localhost:$HTTP_PORT/staff/" \
OIDC_SIGNING_KEY_FILE="$STATE/keys/dev-private.pem" OIDC_SIGNING_KEY_ID=dev-1 \
  start oidc node "$ROOT/deploy/oidc/server.mjs"
wait_for oidc curl -fsS "$ISSUER/jwks"
echo "== audit on 127.0.0.1:$AUDIT_PORT"
AUDIT_GRPC_ADDRESS="127.0.0.1:$AUDIT_PORT" \
REDIS_ADDRESS="127.0.0.1:$REDIS_PORT" \
  start audit "$BUILD/services/audit/stadt-audit"

echo "== gateway on http://127.0.0.1:$HTTP_PORT (metrics: http://127.0.0.1:$ADMIN_PORT/metrics)"
# The edge settings (rate limits, proof of work) shared with the e2e test.
set -a
# shellcheck source=deploy/local/gateway.env
. "$ROOT/deploy/local/gateway.env"
set +a
if [ "${STADT_POW:-on}" = off ]; then
  unset GATEWAY_POW_ROUTES
  echo "   proof of work off (STADT_POW=off)"
fi
if [ "${STADT_RATE_LIMITS:-on}" = off ]; then
  for limit in READ_PER_ADDRESS READ_PER_SUBJECT WRITE_PER_ADDRESS WRITE_PER_SUBJECT; do
    export "GATEWAY_RATE_LIMIT_$limit=off"
  done
  echo "   rate limits off (STADT_RATE_LIMITS=off)"
fi
GATEWAY_PORT="$HTTP_PORT" \
GATEWAY_ADMIN_LISTEN="127.0.0.1:$ADMIN_PORT" \
GATEWAY_REDIS_ADDRESS="127.0.0.1:$GATEWAY_REDIS_PORT" \
GATEWAY_POW_SECRET="$(cat "$STATE/keys/pow-secret")" \
GATEWAY_BACKEND_APPOINTMENTS="127.0.0.1:$APPOINTMENTS_PORT" \
GATEWAY_BACKEND_DAYCARE="127.0.0.1:$DAYCARE_PORT" \
GATEWAY_BACKEND_VIDEO="127.0.0.1:$VIDEO_PORT" \
GATEWAY_BACKEND_PARKING="127.0.0.1:$PARKING_PORT" \
GATEWAY_BACKEND_MONITORING="127.0.0.1:$MONITORING_PORT" \
GATEWAY_BACKEND_NOTIFICATIONS="127.0.0.1:$NOTIFICATIONS_PORT" \
GATEWAY_BACKEND_PRIVACY="127.0.0.1:$PRIVACY_PORT" \
GATEWAY_JWKS_URL="$ISSUER/jwks" \
GATEWAY_BACKEND_AUDIT="127.0.0.1:$AUDIT_PORT" \
GATEWAY_JWT_ISSUER="$ISSUER" GATEWAY_JWT_AUDIENCE="$AUDIENCE" \
GATEWAY_STAFF_APP_DIR="$STATE/staff-app" \
GATEWAY_ROLES_CLAIM=roles GATEWAY_SCOPES_CLAIM=scope \
  start gateway "$BUILD/gateway/stadt-gateway"

wait_for gateway curl -fsS "http://127.0.0.1:$HTTP_PORT/readyz"

cat <<MSG

Stadtportal is running: http://127.0.0.1:$HTTP_PORT   (logs in .local/log, stop with deploy/local/down.sh)
Redis: $REDIS_MODE (STADT_REDIS_MODE=single|cluster)
Mails to citizens (confirmations, links, reminders) are files in $STATE/mail (one .eml each).
Staff web app: http://127.0.0.1:$HTTP_PORT/staff/  (sign in as schalter-mitte / demo;
accounts in deploy/oidc/accounts.json), call display: http://127.0.0.1:$HTTP_PORT/staff/#/display/mitte

  curl -s http://127.0.0.1:$HTTP_PORT/v1/offices
  curl -s http://127.0.0.1:$HTTP_PORT/v1/offices/mitte/services
  curl -s 'http://127.0.0.1:$HTTP_PORT/v1/slots?service_ids=id-card&limit=3'
  curl -s http://127.0.0.1:$HTTP_PORT/v1/video/topics
  curl -s http://127.0.0.1:$HTTP_PORT/v1/parking/zones/4401
  curl -s http://127.0.0.1:$HTTP_PORT/v1/monitoring/fields
  curl -s http://127.0.0.1:$HTTP_PORT/v1/monitoring/metrics

Book an appointment as a citizen (fetches a proof-of-work challenge, solves it, holds
a slot with the solution in X-Pow-Solution, confirms):
  deploy/local/book.py
Rate limits and proof of work are on (deploy/local/gateway.env); a hold without a
solution gets 428 pow_required. Metrics: curl -s http://127.0.0.1:$ADMIN_PORT/metrics

A staff token for the routes that need one (roles and scopes: docs/roles.md), here an
office administrator of the office "sued":
  TOKEN=\$($BUILD/gateway/tools/stadt-mint-token --key .local/keys/dev-private.pem --alg ES256 \\
      --kid dev-1 --sub office-admin-1 --roles office_admin --scope office:sued --iss $ISSUER --aud $AUDIENCE)
  curl -s -X PUT -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
      -d '{"name":"Buergerbuero Sued","district":"Sued","address":{"street":"Joesweg 5","postalCode":"70180","city":"Stuttgart"},"serviceIds":["id-card"]}' \\
      http://127.0.0.1:$HTTP_PORT/v1/offices/sued
MSG
