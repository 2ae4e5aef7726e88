#!/bin/sh
# One-shot after the server is healthy (temporalio/admin-tools): creates the namespace and registers the search
# attributes the openclaw-temporal workflows set (OPENCLAW_SEARCH_ATTRIBUTES: "Name=Type ..."). Idempotent.
# The temporal CLI reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE from the environment.
set -eu

: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}" "${OPENCLAW_SEARCH_ATTRIBUTES:?}"

# Runs "$@" until it succeeds, for up to a minute (the server, then a new namespace, take a moment to be served).
retry() {
  tries=0
  until "$@" >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 30 ] || { echo "openclaw-temporal: gave up on: $*" >&2; exit 1; }
    sleep 2
  done
}

retry temporal operator cluster health

if ! temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  echo "openclaw-temporal: creating namespace $TEMPORAL_NAMESPACE (retention ${NAMESPACE_RETENTION:-7d})"
  temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "${NAMESPACE_RETENTION:-7d}"
fi

retry temporal operator search-attribute list --namespace "$TEMPORAL_NAMESPACE"
existing="$(temporal operator search-attribute list --namespace "$TEMPORAL_NAMESPACE")"
for attribute in $OPENCLAW_SEARCH_ATTRIBUTES; do
  name="${attribute%%=*}"
  type="${attribute##*=}"
  if printf '%s\n' "$existing" | grep -qw "$name"; then continue; fi
  echo "openclaw-temporal: registering search attribute $name ($type)"
  temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type "$type"
done
echo "openclaw-temporal: namespace $TEMPORAL_NAMESPACE is ready"
