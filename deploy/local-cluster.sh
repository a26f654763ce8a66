#!/usr/bin/env bash
# A consortium's shape on one machine, on loopback (docs/deploying.md): one PostgreSQL server, N web nodes that
# each keep their own index replica and follow the database's change feed, and a harvesting node that writes.
#
#   deploy/local-cluster.sh start [N]   # PostgreSQL + the demo collection + N web nodes (default 2)
#   deploy/local-cluster.sh status      # what runs, and each node's record count
#   deploy/local-cluster.sh stop        # stop the nodes and the server, keep the data
#   deploy/local-cluster.sh destroy     # stop, then delete everything under $CLUSTER
#
# Environment: CLUSTER (default /tmp/tongwen-cluster) holds the server's data, one data dir per node and the
# logs; PGPORT (default 55432) and NODE_PORT (default 8101: nodes on 8101, 8102, …); TONGWEN (default the
# `tongwen` on PATH, else `python -m tongwen.cli`). Run as root, PostgreSQL runs as the postgres user.
set -euo pipefail

CLUSTER="${CLUSTER:-/tmp/tongwen-cluster}"
PGPORT="${PGPORT:-55432}"
NODE_PORT="${NODE_PORT:-8101}"
DATABASE="postgresql://tongwen@127.0.0.1:${PGPORT}/tongwen"
if [[ -z "${TONGWEN:-}" ]]; then
    if command -v tongwen >/dev/null 2>&1; then TONGWEN="tongwen"; else TONGWEN="python3 -m tongwen.cli"; fi
fi

pg_bin() {  # a PostgreSQL program: on PATH, else Debian's newest /usr/lib/postgresql/N/bin
    if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -1)
    [[ -n "$found" ]] || { echo "PostgreSQL's $1 is not installed (Debian: apt-get install postgresql)" >&2; exit 1; }
    echo "$found"
}

as_postgres() {  # PostgreSQL refuses to run as root
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

records_on() {  # how many records the node on port $1 finds
    curl -fsS "http://127.0.0.1:$1/api/search?q=&page_size=1" 2>/dev/null |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])' 2>/dev/null || echo "-"
}

records_in_database() {
    "$(pg_bin psql)" -qAt -h 127.0.0.1 -p "$PGPORT" -U tongwen -d tongwen -c \
        "SELECT n FROM record_counts WHERE facet = 'live'"
}

start() {
    local nodes="${1:-2}"
    mkdir -p "$CLUSTER/logs"
    if [[ ! -d "$CLUSTER/pg" ]]; then
        mkdir -p "$CLUSTER/pg"
        [[ $(id -u) -eq 0 ]] && chown postgres "$CLUSTER/pg"
        as_postgres "$(pg_bin initdb)" -D "$CLUSTER/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_postgres "$(pg_bin pg_ctl)" -D "$CLUSTER/pg/data" -l "$CLUSTER/pg/log" -w start \
        -o "-p $PGPORT -k $CLUSTER/pg -c listen_addresses=127.0.0.1" >/dev/null
    "$(pg_bin psql)" -qAt -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -c \
        "SELECT 1 FROM pg_roles WHERE rolname = 'tongwen'" | grep -q 1 ||
        "$(pg_bin psql)" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres \
            -c "CREATE ROLE tongwen LOGIN" -c "CREATE DATABASE tongwen OWNER tongwen"
    echo "PostgreSQL: $DATABASE"

    # The harvesting node: it writes (here the demo collection; in a consortium `tongwen harvest` on a timer).
    $TONGWEN --data "$CLUSTER/harvester" --database "$DATABASE" demo --no-serve >"$CLUSTER/logs/harvester.log" 2>&1
    echo "harvesting node: $CLUSTER/harvester (loaded the demo collection)"

    for n in $(seq 1 "$nodes"); do
        local port=$((NODE_PORT + n - 1))
        nohup $TONGWEN --data "$CLUSTER/node$n" --database "$DATABASE" serve --follow --port "$port" \
            >"$CLUSTER/logs/node$n.log" 2>&1 &
        echo $! >"$CLUSTER/node$n.pid"
    done
    for n in $(seq 1 "$nodes"); do
        local port=$((NODE_PORT + n - 1))
        for _ in $(seq 1 600); do  # up to 2 minutes: answering, and its replica has caught up
            [[ "$(records_on "$port")" == "$(records_in_database)" ]] && break
            sleep 0.2
        done
        echo "web node $n: http://127.0.0.1:$port/  (data: $CLUSTER/node$n, log: $CLUSTER/logs/node$n.log)"
    done
}

status() {
    for pidfile in "$CLUSTER"/node*.pid; do
        [[ -e "$pidfile" ]] || continue
        local n port
        n=$(basename "$pidfile" .pid); n=${n#node}
        port=$((NODE_PORT + n - 1))
        if kill -0 "$(cat "$pidfile")" 2>/dev/null; then
            echo "web node $n: http://127.0.0.1:$port/ — $(records_on "$port") records"
        else
            echo "web node $n: not running"
        fi
    done
    as_postgres "$(pg_bin pg_ctl)" -D "$CLUSTER/pg/data" status >/dev/null && echo "PostgreSQL: $DATABASE" ||
        echo "PostgreSQL: not running"
}

stop() {
    for pidfile in "$CLUSTER"/node*.pid; do
        [[ -e "$pidfile" ]] || continue
        kill "$(cat "$pidfile")" 2>/dev/null || true
        rm -f "$pidfile"
    done
    if [[ -d "$CLUSTER/pg/data" ]]; then
        as_postgres "$(pg_bin pg_ctl)" -D "$CLUSTER/pg/data" -m fast stop >/dev/null 2>&1 || true
    fi
    echo "stopped (data kept in $CLUSTER)"
}

case "${1:-}" in
    start) start "${2:-2}" ;;
    status) status ;;
    stop) stop ;;
    destroy) stop; rm -rf "$CLUSTER"; echo "deleted $CLUSTER" ;;
    *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
