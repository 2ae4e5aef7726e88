#!/bin/sh
# One-shot schema setup for docker-compose.yml (runs in temporalio/admin-tools before the server starts).
# Creates Temporal's two PostgreSQL databases and brings both schemas to the versions this image ships.
# Every step is idempotent, so it runs again harmlessly on each `docker compose up` with the persistent volume.
set -eu

: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${POSTGRES_PWD:?}"
port="${DB_PORT:-5432}"
# The image keeps the schema files here; the native run (scripts/cluster/) passes the server module's copy.
schemas="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" --port "$port" \
    --user "$POSTGRES_USER" --password "$POSTGRES_PWD" "$@"
}

for pair in temporal:temporal temporal_visibility:visibility; do
  db="${pair%%:*}"
  dir="${pair##*:}"
  echo "openclaw-temporal: preparing database $db"
  sql_tool --db "$db" create
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$schemas/$dir/versioned"
done
echo "openclaw-temporal: PostgreSQL schemas are up to date"
