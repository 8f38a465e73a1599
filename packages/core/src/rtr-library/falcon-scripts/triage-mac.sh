#!/bin/sh
# riposte built-in: first-look triage of a macOS host.
# Who is on the box, what is listening, and recent authentication activity from the unified log.
# Read-only.

MINUTES="${1:-60}"

section() { printf '\n===== %s =====\n' "$1"; }

section "host"
printf 'hostname: %s\n' "$(scutil --get ComputerName 2>/dev/null || hostname)"
printf 'time (UTC): %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')"
sw_vers 2>/dev/null
printf 'uptime: %s\n' "$(uptime)"

section "logged-in users"
who
echo
printf 'console user: %s\n' "$(stat -f '%Su' /dev/console 2>/dev/null)"

section "recent logins"
last -20 2>/dev/null

section "listening sockets"
echo "-- TCP"
lsof -nP -iTCP -sTCP:LISTEN 2>/dev/null || netstat -anv -p tcp | grep -i listen
echo "-- UDP"
lsof -nP -iUDP 2>/dev/null || netstat -anv -p udp

section "authentication events (last $MINUTES minutes)"
log show --style syslog --last "${MINUTES}m" \
  --predicate 'process == "sshd" OR process == "sudo" OR process == "su" OR process == "loginwindow" OR (process == "authd" AND eventMessage CONTAINS[c] "fail")' \
  2>/dev/null | tail -n 200

exit 0
