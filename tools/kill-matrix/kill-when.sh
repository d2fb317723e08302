# Sourced by the kill -9 matrices: waits (polling every 5 ms, at most 10 min) until a condition
# holds, then kills the process with SIGKILL; returns 1 when the process ended first.
kill_when() { # PID DESCRIPTION COMMAND...
    local pid=$1; shift; local what=$1; shift
    for _ in $(seq 1 120000); do
        if "$@" 2>/dev/null; then kill -9 "$pid" 2>/dev/null && return 0; fi
        kill -0 "$pid" 2>/dev/null || { echo "  ($what: the run ended before the kill point)" >&2; return 1; }
        sleep 0.005
    done
    kill -9 "$pid"
}
