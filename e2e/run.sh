#!/usr/bin/env bash
# End to end: the example WAR in a standalone Tomcat 10.1 (Debian's tomcat10) and a standalone Jetty 12
# (jetty-home 12.1.5 from Maven Central), checked with curl, with the real Node.js agent (elastic-apm-node)
# and with the real RUM agent (@elastic/apm-rum 5.17.5, and 4.9.1 which names itself js-base) in headless
# Chromium (playwright-core).
#
#   e2e/run.sh                   all checks on both servers; exit 0 only if every check passed
#   e2e/run.sh --demo [jetty]    start Tomcat (or Jetty) with the example and the RUM agent, print the demo
#                                page's URL and wait (Ctrl-C stops it); E2E_PORT=8200 picks the port
#
# Installs what it needs (apt: tomcat10 chromium; npm: e2e/package-lock.json; Maven: jetty-home), builds the
# WAR if it is missing or older than the sources, picks free loopback ports, runs every server in its own
# base directory under a temporary folder, and stops everything it started on exit.
set -euo pipefail

E2E="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$E2E")"
WAR="$ROOT/webapp-example/target/anonymous-auth-filter-example-0.1.0-SNAPSHOT.war"
JETTY_VERSION=12.1.5
SECRET=change-me # the example web.xml's auth.secret_token
# E2E_SERVERS="tomcat jetty" (default) or just one of them; E2E_KEEP_WORK=1 keeps logs and server bases.
READY_TIMEOUT=${E2E_READY_TIMEOUT:-120}

MODE=test
DEMO_SERVER=tomcat
if [[ "${1:-}" == "--demo" ]]; then
  MODE=demo
  DEMO_SERVER=${2:-tomcat}
fi

WORK="$(mktemp -d /tmp/anonauth-e2e.XXXXXX)"
PIDS=()
SUMMARY=()
FAILED=0
START_ALL=$(date +%s)

cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do
    # Each server runs in its own process group (setsid): stop the group, then make sure.
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [[ "${E2E_KEEP_WORK:-}" == "1" || $rc -ne 0 ]]; then
    echo "e2e: logs and server bases kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "e2e: $*"; }
die() { echo "e2e: FATAL: $*" >&2; exit 1; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

result() { # result PASS|FAIL server check millis details
  SUMMARY+=("$(printf '%-4s %-6s %-34s %6s ms  %s' "$1" "$2" "$3" "$4" "$5")")
  echo "  $1 $2 $3 ($4 ms) $5"
  [[ "$1" == PASS ]] || FAILED=1
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# ---------------------------------------------------------------------------------------------- install
install_tools() {
  local t0; t0=$(date +%s%N)
  local missing=()
  [[ -x /usr/share/tomcat10/bin/catalina.sh ]] || missing+=(tomcat10)
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  command -v curl >/dev/null || missing+=(curl)
  command -v unzip >/dev/null || missing+=(unzip)
  if ((${#missing[@]})); then
    log "apt-get install -y ${missing[*]}"
    apt-get update -q >"$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log"; die "apt-get update failed"; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$WORK/apt.log" 2>&1 \
      || { tail -30 "$WORK/apt.log"; die "apt-get install ${missing[*]} failed"; }
  fi
  [[ -x /usr/bin/chromium ]] || die "no /usr/bin/chromium after install: the browser checks cannot run"
  if [[ ! -d "$E2E/node_modules/playwright-core" || "$E2E/package-lock.json" -nt "$E2E/node_modules/.package-lock.json" ]]; then
    log "npm ci (playwright-core, @elastic/apm-rum, elastic-apm-node)"
    (cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  fi
  local jh="$E2E/work/jetty-home-$JETTY_VERSION"
  if [[ ! -f "$jh/start.jar" ]]; then
    log "jetty-home $JETTY_VERSION from Maven Central"
    mkdir -p "$E2E/work"
    mvn -B -q dependency:copy -Dartifact="org.eclipse.jetty:jetty-home:$JETTY_VERSION:tar.gz" \
      -DoutputDirectory="$E2E/work" || die "could not get jetty-home $JETTY_VERSION"
    tar -xzf "$E2E/work/jetty-home-$JETTY_VERSION.tar.gz" -C "$E2E/work"
    rm -f "$E2E/work/jetty-home-$JETTY_VERSION.tar.gz"
  fi
  JETTY_HOME="$jh"
  log "tools ready in $(ms_since "$t0") ms: $(/usr/share/tomcat10/bin/version.sh 2>/dev/null | sed -n 's/^Server version: //p'), Jetty $JETTY_VERSION, $(/usr/bin/chromium --version 2>/dev/null | head -1)"
}

build_war() {
  if [[ -f "$WAR" ]] && [[ -z "$(find "$ROOT/src/main" "$ROOT/pom.xml" "$ROOT/webapp-example/src/main" "$ROOT/webapp-example/pom.xml" -newer "$WAR" -print -quit)" ]]; then
    log "using $WAR"
    return
  fi
  log "building the filter and the example WAR (tests skipped: run the README's test command for them)"
  (cd "$ROOT" && mvn -B -q install -DskipTests && mvn -B -q -f webapp-example/pom.xml package -DskipTests) \
    || die "build failed"
}

# ------------------------------------------------------------------------------------------ deployments
# Three web applications from the one WAR, plus a static folder that serves the RUM agent's bundle:
#   apm          the WAR exactly as built;
#   apm-strict   its web.xml with auth.anonymous.allow_service=allowed-shop;
#   apm-limited  its web.xml with event_limit=5 (burst 15) and max_wait=0ms, to meet the rate limit in a browser.
prepare_apps() {
  local apps="$WORK/apps"
  mkdir -p "$apps/rum-agent"
  cp "$E2E/node_modules/@elastic/apm-rum/dist/bundles/elastic-apm-rum.umd.min.js" "$apps/rum-agent/"
  mkdir -p "$apps/rum-agent/v4"
  cp "$E2E/node_modules/apm-rum-v4/dist/bundles/elastic-apm-rum.umd.min.js" "$apps/rum-agent/v4/"
  echo '<!doctype html><p>RUM agent bundles from npm: <a href="elastic-apm-rum.umd.min.js">@elastic/apm-rum 5.17.5</a>,
    <a href="v4/elastic-apm-rum.umd.min.js">4.9.1</a></p>' > "$apps/rum-agent/index.html"
  for variant in strict limited; do
    mkdir -p "$apps/apm-$variant"
    (cd "$apps/apm-$variant" && unzip -q "$WAR")
  done
  set_param "$apps/apm-strict/WEB-INF/web.xml" auth.anonymous.allow_service allowed-shop
  set_param "$apps/apm-limited/WEB-INF/web.xml" auth.anonymous.rate_limit.event_limit 5
  set_param "$apps/apm-limited/WEB-INF/web.xml" auth.anonymous.rate_limit.max_wait 0ms
}

set_param() { # set_param web.xml name value: rewrites the <param-value> that follows <param-name>name</param-name>
  python3 - "$@" <<'EOF'
import re, sys
path, name, value = sys.argv[1:]
text = open(path, encoding='utf-8').read()
pattern = re.compile(r'(<param-name>' + re.escape(name) + r'</param-name>\s*<param-value>)[^<]*(</param-value>)')
text, n = pattern.subn(lambda m: m.group(1) + value + m.group(2), text)
if n != 1:
    sys.exit(f'{path}: expected one init-param {name}, found {n}')
open(path, 'w', encoding='utf-8').write(text)
EOF
}

deploy() { # deploy webapps-dir: the WAR as apm.war, the variants and the bundle as folders
  cp "$WAR" "$1/apm.war"
  cp -r "$WORK/apps/apm-strict" "$WORK/apps/apm-limited" "$WORK/apps/rum-agent" "$1/"
}

# ---------------------------------------------------------------------------------------------- servers
start_tomcat() {
  local base="$WORK/tomcat" port; port=${E2E_PORT:-$(free_port)}
  mkdir -p "$base"/{conf,logs,temp,webapps,work}
  cp /etc/tomcat10/{web.xml,context.xml,catalina.properties,logging.properties} "$base/conf/"
  cat > "$base/conf/server.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector address="127.0.0.1" port="$port" protocol="HTTP/1.1" connectionTimeout="20000"/>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="false"/>
    </Engine>
  </Service>
</Server>
EOF
  deploy "$base/webapps"
  CATALINA_HOME=/usr/share/tomcat10 CATALINA_BASE="$base" CATALINA_TMPDIR="$base/temp" \
    setsid /usr/share/tomcat10/bin/catalina.sh run >"$WORK/tomcat.log" 2>&1 &
  PIDS+=($!)
  TOMCAT_PORT=$port
  log "Tomcat: CATALINA_BASE=$base, http://127.0.0.1:$port/ (pid $!, log $WORK/tomcat.log)"
}

start_jetty() {
  local base="$WORK/jetty" port; port=${E2E_PORT:-$(free_port)}
  mkdir -p "$base"
  (cd "$base" && java -jar "$JETTY_HOME/start.jar" jetty.home="$JETTY_HOME" jetty.base="$base" \
    --add-modules=ee10-deploy,http >"$WORK/jetty-setup.log" 2>&1) || { cat "$WORK/jetty-setup.log"; die "jetty.base setup failed"; }
  deploy "$base/webapps"
  (cd "$base" && exec setsid java -jar "$JETTY_HOME/start.jar" jetty.home="$JETTY_HOME" jetty.base="$base" \
    jetty.http.host=127.0.0.1 jetty.http.port="$port" >"$WORK/jetty.log" 2>&1) &
  PIDS+=($!)
  JETTY_PORT=$port
  log "Jetty: jetty.base=$base, http://127.0.0.1:$port/ (pid $!, log $WORK/jetty.log)"
}

wait_ready() { # wait_ready name port logfile pid
  local name=$1 port=$2 logfile=$3 pid=$4 t0; t0=$(date +%s%N)
  local deadline=$(( $(date +%s) + READY_TIMEOUT ))
  for ctx in apm apm-strict apm-limited; do
    until curl -sf -m 5 "http://127.0.0.1:$port/$ctx/" 2>/dev/null | grep -q 'id="intake-events"'; do
      if ! kill -0 "$pid" 2>/dev/null; then tail -40 "$logfile"; die "$name exited before /$ctx/ was up"; fi
      if (( $(date +%s) > deadline )); then
        tail -60 "$logfile"; die "$name: /$ctx/ not ready within ${READY_TIMEOUT}s"
      fi
      sleep 0.5
    done
  done
  curl -sf -m 5 "http://127.0.0.1:$port/rum-agent/elastic-apm-rum.umd.min.js" -o /dev/null \
    || die "$name does not serve /rum-agent/elastic-apm-rum.umd.min.js"
  if curl -sf -m 5 "http://127.0.0.1:$port/apm/" | grep -q 'is not running'; then
    die "$name: the filter is not running in /apm"
  fi
  log "$name ready in $(ms_since "$t0") ms (contexts /apm, /apm-strict, /apm-limited, /rum-agent)"
}

# ----------------------------------------------------------------------------------------------- checks
events_ndjson() { # events_ndjson agent count
  printf '{"metadata":{"service":{"name":"shop-frontend","agent":{"name":"%s","version":"5.17.5"}}}}\n' "$1"
  for ((i = 0; i < $2; i++)); do
    printf '{"transaction":{"id":"%016x","trace_id":"%032x","name":"page-load","type":"page-load","duration":1,"span_count":{"started":0}}}\n' "$i" "$i"
  done
}

# post url bodyfile [curl args...]: sets CODE, BODY, HEADERS
post() {
  local url=$1 file=$2; shift 2
  CODE=$(curl -s -m 30 -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -H 'Content-Type: application/x-ndjson' \
    -H 'Accept: application/json' "$@" --data-binary "@$file" "$url") || CODE=000
  BODY=$(cat "$WORK/body"); HEADERS=$(tr -d '\r' < "$WORK/headers")
}
header() { sed -n "s/^$1: *//Ip" <<<"$HEADERS" | head -1; }
intake_events() { curl -sf -m 5 "$1/" | sed -n 's/.*id="intake-events">\([0-9]*\)<.*/\1/p'; }

expect() { # expect server check t0 condition-result details
  if [[ "$4" == ok ]]; then result PASS "$1" "$2" "$(ms_since "$3")" "$5"; else result FAIL "$1" "$2" "$(ms_since "$3")" "$5"; fi
}
is() { if eval "$1"; then echo ok; else echo no; fi; }

http_checks() { # http_checks server port
  local s=$1 base="http://127.0.0.1:$2/apm" t0 before after ra
  local rum="$WORK/rum.ndjson" java="$WORK/java.ndjson"
  events_ndjson rum-js 1 > "$rum"; events_ndjson java 1 > "$java"

  t0=$(date +%s%N); before=$(intake_events "$base")
  post "$base/intake/v2/rum/events?verbose" "$rum" -H 'Origin: http://shop.example'
  after=$(intake_events "$base")
  expect "$s" anonymous-rum-js-allowed "$t0" "$(is '[[ $CODE == 202 && $BODY == *"\"accepted\":1"* && $after -eq $((before + 1)) ]]')" \
    "HTTP $CODE $BODY intake events $before -> $after"

  t0=$(date +%s%N)
  post "$base/intake/v2/events" "$java" -H 'Origin: http://shop.example'
  local msg='unauthorized: anonymous access not permitted for agent \"java\"'
  expect "$s" anonymous-agent-java-refused "$t0" \
    "$(is '[[ $CODE == 403 && $BODY == *"$msg"* && $(header Access-Control-Allow-Origin) == http://shop.example ]]')" \
    "HTTP $CODE $BODY (Access-Control-Allow-Origin: $(header Access-Control-Allow-Origin))"

  t0=$(date +%s%N)
  post "$base/intake/v2/events?verbose" "$java" -H "Authorization: Bearer $SECRET"
  expect "$s" secret-token-accepted "$t0" "$(is '[[ $CODE == 202 && $BODY == *"\"accepted\":1"* ]]')" "HTTP $CODE $BODY"

  t0=$(date +%s%N)
  post "$base/intake/v2/events" "$java" -H 'Authorization: Bearer wrong-token'
  expect "$s" wrong-token-refused "$t0" \
    "$(is '[[ $CODE == 401 && $BODY == "{\"error\":\"authentication failed\"}" ]]')" \
    "HTTP $CODE $BODY (WWW-Authenticate: $(header WWW-Authenticate))"

  t0=$(date +%s%N); gzip -c "$rum" > "$WORK/rum.ndjson.gz"
  post "$base/intake/v2/rum/events?verbose" "$WORK/rum.ndjson.gz" -H 'Content-Encoding: gzip'
  expect "$s" gzip-body-accepted "$t0" "$(is '[[ $CODE == 202 && $BODY == *"\"accepted\":1"* ]]')" "HTTP $CODE $BODY"

  t0=$(date +%s%N); events_ndjson rum-js 1000 > "$WORK/rum1000.ndjson"
  post "$base/intake/v2/rum/events" "$WORK/rum1000.ndjson" -H 'X-Forwarded-For: 198.51.100.10'
  ra=$(header Retry-After)
  expect "$s" rate-limit-1000-events-over-burst "$t0" \
    "$(is '[[ $CODE == 429 && $BODY == *"rate limit exceeded"* && $ra =~ ^[0-9]+$ && $ra -ge 1 ]]')" \
    "HTTP $CODE $BODY Retry-After: $ra"

  t0=$(date +%s%N); events_ndjson rum-js 899 > "$WORK/rum899.ndjson"
  post "$base/intake/v2/rum/events?verbose" "$WORK/rum899.ndjson" -H 'X-Forwarded-For: 198.51.100.11'
  local first="$CODE $BODY"
  post "$base/intake/v2/rum/events" "$WORK/rum899.ndjson" -H 'X-Forwarded-For: 198.51.100.11'
  ra=$(header Retry-After)
  expect "$s" rate-limit-burst-drained "$t0" \
    "$(is '[[ $first == "202 {\"accepted\":899}"* && $CODE == 429 && $BODY == *"rate limit exceeded"* && $ra =~ ^[0-9]+$ && $ra -ge 1 ]]')" \
    "899 events: HTTP $first; 899 more at once: HTTP $CODE $BODY Retry-After: $ra RateLimit: $(header RateLimit)"
}

node_agent_checks() { # node_agent_checks server port
  local s=$1 base="http://127.0.0.1:$2/apm" t0 out before after
  t0=$(date +%s%N); before=$(intake_events "$base")
  if out=$(cd "$E2E" && node node-agent.js "$base" "$SECRET" 202 2>&1); then :; fi
  after=$(intake_events "$base")
  expect "$s" node-agent-secret-token-accepted "$t0" \
    "$(is '[[ $out == *"\"ok\":true"* && $after -gt $before ]]')" "$out intake events $before -> $after"

  t0=$(date +%s%N)
  if out=$(cd "$E2E" && node node-agent.js "$base" wrong-token 401 'authentication failed' 2>&1); then :; fi
  expect "$s" node-agent-wrong-token-refused "$t0" "$(is '[[ $out == *"\"ok\":true"* ]]')" "$out"

  t0=$(date +%s%N)
  if out=$(cd "$E2E" && node node-agent.js "$base" - 403 'unauthorized: anonymous access not permitted for agent "nodejs"' 2>&1); then :; fi
  expect "$s" node-agent-anonymous-refused "$t0" "$(is '[[ $out == *"\"ok\":true"* ]]')" "$out"
}

browser_checks() { # browser_checks server port
  local s=$1 port=$2 t0 out rc line
  t0=$(date +%s%N)
  mkdir -p "$WORK/chromium-$s"
  set +e
  out=$(cd "$E2E" && node browser.js "$s" "http://localhost:$port" "http://127.0.0.1:$port" \
    "http://localhost:$port/rum-agent/elastic-apm-rum.umd.min.js" \
    "http://localhost:$port/rum-agent/v4/elastic-apm-rum.umd.min.js" "$WORK/chromium-$s" 2>&1)
  rc=$?
  set -e
  echo "$out" > "$WORK/browser-$s.log"
  local seen=0
  while IFS= read -r line; do
    if [[ "$line" =~ ^(PASS|FAIL)\ [a-z]+\ ([a-z0-9-]+)\ ([0-9]+)\ (.*)$ ]]; then
      result "${BASH_REMATCH[1]}" "$s" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" "${BASH_REMATCH[4]}"
      seen=$((seen + 1))
    fi
  done <<<"$out"
  if ((rc != 0 && seen == 0)) || ((seen < 5 && rc == 0)); then
    result FAIL "$s" browser "$(ms_since "$t0")" "the browser part did not run: $(tail -20 <<<"$out")"
  fi
  ((rc == 0)) || FAILED=1
}

# ------------------------------------------------------------------------------------------------- main
install_tools
build_war
prepare_apps

if [[ $MODE == demo ]]; then
  trap 'exit 0' INT TERM
  if [[ $DEMO_SERVER == jetty ]]; then start_jetty; port=$JETTY_PORT; else start_tomcat; port=$TOMCAT_PORT; fi
  wait_ready "$DEMO_SERVER" "$port" "$WORK/$DEMO_SERVER.log" "${PIDS[-1]}"
  cat <<EOF

  Open:  http://localhost:$port/apm/rum-demo.html?bundle=/rum-agent/elastic-apm-rum.umd.min.js
         (add &service=NAME; &serverUrl=http://127.0.0.1:$port/apm to post cross-origin as a real site would)
  Refused service: http://localhost:$port/apm-strict/rum-demo.html?bundle=/rum-agent/elastic-apm-rum.umd.min.js&service=other
  Status page:     http://localhost:$port/apm/
  Ctrl-C stops $DEMO_SERVER.
EOF
  wait "${PIDS[-1]}" || true
  exit 0
fi

SERVERS=${E2E_SERVERS:-tomcat jetty}
[[ " $SERVERS " == *" tomcat "* ]] && { start_tomcat; TOMCAT_PID=${PIDS[-1]}; }
[[ " $SERVERS " == *" jetty "* ]] && { start_jetty; JETTY_PID=${PIDS[-1]}; }
[[ " $SERVERS " == *" tomcat "* ]] && wait_ready tomcat "$TOMCAT_PORT" "$WORK/tomcat.log" "$TOMCAT_PID"
[[ " $SERVERS " == *" jetty "* ]] && wait_ready jetty "$JETTY_PORT" "$WORK/jetty.log" "$JETTY_PID"

for server in $SERVERS; do
  if [[ $server == tomcat ]]; then port=$TOMCAT_PORT; else port=$JETTY_PORT; fi
  log "checks against $server (port $port)"
  http_checks "$server" "$port"
  node_agent_checks "$server" "$port"
  browser_checks "$server" "$port"
done

pass=0; fail=0
for line in "${SUMMARY[@]}"; do [[ $line == PASS* ]] && pass=$((pass + 1)) || fail=$((fail + 1)); done
echo
echo "e2e summary (Tomcat $(/usr/share/tomcat10/bin/version.sh 2>/dev/null | sed -n 's/^Server number: *//p'), Jetty $JETTY_VERSION, $(sed -n 's/.*"version": "\(.*\)".*/@elastic\/apm-rum \1/p' "$E2E/node_modules/@elastic/apm-rum/package.json" | head -1), elastic-apm-node $(node -p "require('$E2E/node_modules/elastic-apm-node/package.json').version"), $(/usr/bin/chromium --version 2>/dev/null | head -1)):"
for line in "${SUMMARY[@]}"; do echo "  ${line:0:160}"; done
echo "e2e: finished in $(( $(date +%s) - START_ALL )) s"
echo "e2e: $pass passed, $fail failed"
((FAILED == 0 && fail == 0)) || exit 1
