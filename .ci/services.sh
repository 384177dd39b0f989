#!/usr/bin/env bash
# Installs (Debian packages) and starts Redis and MariaDB on 127.0.0.1 for the tests, as root and without systemd,
# then creates the test database and user. Safe to run again: what is installed or already answering is kept.
#
#   eval "$(bash .ci/services.sh)"     # or: source .ci/services.sh
#
# Progress goes to stderr; stdout carries only the `export` lines for MYSQL_CONNECTION and REDIS_CONNECTION.
# The test user `fatechat` owns `fatechat_test` and every `fatechat_test_*` database (one per parallel fixture).

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    # Sourced: run in a child shell so that `set -e` and `exit` cannot end the caller's shell.
    _fatechat_services_env="$(bash "${BASH_SOURCE[0]}")" && eval "$_fatechat_services_env"
    _fatechat_services_rc=$?
    unset _fatechat_services_env
    return $_fatechat_services_rc
fi

set -euo pipefail

REDIS_PORT="${REDIS_PORT:-6379}"
MYSQL_PORT="${MYSQL_PORT:-3306}"
LOG_DIR="${FATECHAT_SERVICE_LOGS:-/tmp/fatechat-services}"
WAIT_SECONDS=60

log() { echo "services: $*" >&2; }

wait_until() { # wait_until <what> <command...>: retries for WAIT_SECONDS, then fails with the service's log.
    local what="$1"; shift
    for ((i = 0; i < WAIT_SECONDS * 4; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.25
    done
    log "$what did not answer within ${WAIT_SECONDS}s; its log:"
    tail -n 40 "$LOG_DIR"/*.log >&2 2>/dev/null || true
    exit 1
}

install_packages() {
    local missing=()
    command -v redis-server >/dev/null && command -v redis-cli >/dev/null || missing+=(redis-server redis-tools)
    command -v mysqld_safe >/dev/null || missing+=(mariadb-server)
    command -v mariadb >/dev/null && command -v mariadb-admin >/dev/null || missing+=(mariadb-client)
    if ((${#missing[@]} == 0)); then return; fi
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # Package scripts try to start the services through init scripts; ours are started below either way.
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

redis_up() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

start_redis() {
    if ! redis_up; then
        log "starting redis-server on 127.0.0.1:$REDIS_PORT"
        redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
            --logfile "$LOG_DIR/redis.log" </dev/null >/dev/null 2>&1
        wait_until "Redis" redis_up
    fi
    # A Redis started by the package's init script persists to disk; tests want it in memory only.
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config set save '' >/dev/null
    log "redis answers on 127.0.0.1:$REDIS_PORT"
}

mysql_root() { mariadb --protocol=socket -uroot "$@"; }
mysql_up() { mysql_root -e 'SELECT 1'; }

start_mariadb() {
    if ! mysql_up >/dev/null 2>&1; then
        mkdir -p /run/mysqld
        chown mysql:mysql /run/mysqld
        if [[ ! -d /var/lib/mysql/mysql ]]; then
            log "initialising /var/lib/mysql"
            mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db >"$LOG_DIR/mariadb-install.log" 2>&1
        fi
        log "starting mariadb on 127.0.0.1:$MYSQL_PORT"
        touch "$LOG_DIR/mariadb.log"
        chown mysql:mysql "$LOG_DIR/mariadb.log" # written by mariadbd, which runs as mysql
        # setsid + redirects: the server must outlive this script and must not hold the caller's stdout open
        # (`eval "$(…)"` waits for it to close). Relaxed flushing suits throwaway test data.
        setsid -f mysqld_safe --bind-address=127.0.0.1 --port="$MYSQL_PORT" \
            --innodb-flush-log-at-trx-commit=2 --max-connections=500 \
            --log-error="$LOG_DIR/mariadb.log" </dev/null >>"$LOG_DIR/mysqld_safe.log" 2>&1
        wait_until "MariaDB" mysql_up
    fi
    log "mariadb answers on 127.0.0.1:$MYSQL_PORT"
}

create_test_database() {
    # Users for both names a TCP client from 127.0.0.1 may match, so that an anonymous ''@'localhost' never wins.
    # In GRANT, `_` is a wildcard, so the fixture pattern escapes it.
    mysql_root <<'SQL'
CREATE DATABASE IF NOT EXISTS fatechat_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'fatechat'@'localhost' IDENTIFIED BY 'fatechat';
CREATE USER IF NOT EXISTS 'fatechat'@'127.0.0.1' IDENTIFIED BY 'fatechat';
GRANT ALL PRIVILEGES ON `fatechat_test`.* TO 'fatechat'@'localhost', 'fatechat'@'127.0.0.1';
GRANT ALL PRIVILEGES ON `fatechat\_test\_%`.* TO 'fatechat'@'localhost', 'fatechat'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
    # Check the way the tests will connect: TCP with the test user's password.
    mariadb --protocol=tcp -h 127.0.0.1 -P "$MYSQL_PORT" -ufatechat -pfatechat fatechat_test -e 'SELECT 1' >/dev/null
    log "database fatechat_test and user fatechat ready"
}

mkdir -p "$LOG_DIR"
install_packages
start_redis
start_mariadb
create_test_database

echo "export MYSQL_CONNECTION='Server=127.0.0.1;Port=$MYSQL_PORT;User ID=fatechat;Password=fatechat;Database=fatechat_test'"
echo "export REDIS_CONNECTION='127.0.0.1:$REDIS_PORT'"
