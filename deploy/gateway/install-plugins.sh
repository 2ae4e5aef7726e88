#!/bin/sh
# Entrypoint of the gateway image (deploy/gateway/Dockerfile): installs each openclaw-temporal plugin tarball the
# image ships into the OpenClaw state dir (a volume) unless that version is installed already, then runs the
# command it is given (the gateway). A new image therefore upgrades the plugins at its first start. Also runs
# natively (test/e2e/installed.test.ts): OPENCLAW_CLI names the openclaw command, OPENCLAW_TEMPORAL_PLUGINS_DIR the
# folder with the tarballs (`npm run pack` writes them to dist/).
set -eu
plugins_dir="${OPENCLAW_TEMPORAL_PLUGINS_DIR:-/opt/openclaw-temporal}"
state_dir="${OPENCLAW_STATE_DIR:-$HOME/.openclaw}"
cli="${OPENCLAW_CLI:-node /app/openclaw.mjs}"

json_field() { # <field>: reads JSON on stdin, prints the top-level field (empty if missing)
  node -e 'let s="";process.stdin.on("data",(c)=>s+=c).on("end",()=>{try{process.stdout.write(String(JSON.parse(s)[process.argv[1]]??""))}catch{}})' "$1"
}

for tarball in "$plugins_dir"/openclaw-temporal-*.tgz; do
  [ -e "$tarball" ] || { echo "openclaw-temporal: no plugin tarballs in $plugins_dir" >&2; exit 1; }
  id=$(tar -xzOf "$tarball" package/openclaw.plugin.json 2>/dev/null | json_field id)
  [ -n "$id" ] || continue # the worker package: no plugin manifest
  version=$(tar -xzOf "$tarball" package/package.json | json_field version)
  installed=$(json_field version 2>/dev/null < "$state_dir/extensions/$id/package.json" || true)
  if [ "$installed" = "$version" ]; then
    echo "openclaw-temporal: $id $version is installed"
  else
    echo "openclaw-temporal: installing $id $version (installed: ${installed:-none})"
    $cli plugins install "$tarball" --force --accept-capabilities
  fi
done
if [ "$#" -gt 0 ]; then exec "$@"; fi
