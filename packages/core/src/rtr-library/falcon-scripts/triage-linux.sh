#!/bin/sh
# riposte built-in: first-look triage of a Linux host.
# Who is on the box, what is listening, and what the authentication log says lately.
# Read-only; POSIX sh; every section degrades gracefully when a tool is missing.

LINES="${1:-50}"

section() { printf '\n===== %s =====\n' "$1"; }
have() { command -v "$1" >/dev/null 2>&1; }

section "host"
printf 'hostname: %s\n' "$(hostname 2>/dev/null || cat /etc/hostname 2>/dev/null)"
printf 'time (UTC): %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')"
printf 'kernel: %s\n' "$(uname -srm)"
[ -r /etc/os-release ] && . /etc/os-release && printf 'os: %s\n' "${PRETTY_NAME:-unknown}"
have uptime && printf 'uptime: %s\n' "$(uptime)"

section "logged-in users"
if have who; then who -a 2>/dev/null || who; else echo "who: not available"; fi
if have w; then echo; w -h 2>/dev/null; fi

section "recent logins"
if have last; then last -n 20 -F 2>/dev/null || last -n 20 2>/dev/null; else echo "last: not available"; fi

section "listening sockets"
if have ss; then
  ss -H -tulpn 2>/dev/null || ss -tuln
elif have netstat; then
  netstat -tulpn 2>/dev/null || netstat -tuln
else
  # No tools: read the kernel tables (hex addresses; state 0A = LISTEN for TCP).
  for f in /proc/net/tcp /proc/net/tcp6; do
    [ -r "$f" ] && awk 'NR > 1 && $4 == "0A" { print FILENAME ": " $2 }' "$f"
  done
  for f in /proc/net/udp /proc/net/udp6; do
    [ -r "$f" ] && awk 'NR > 1 { print FILENAME ": " $2 }' "$f"
  done
fi

section "recent authentication events (last $LINES lines)"
found=""
for log in /var/log/auth.log /var/log/secure; do
  if [ -r "$log" ]; then
    echo "-- $log"
    tail -n "$LINES" "$log"
    found=1
  fi
done
if [ -z "$found" ] && have journalctl; then
  journalctl --no-pager -n "$LINES" _COMM=sshd + _COMM=sudo + _COMM=su + _COMM=login 2>/dev/null \
    || journalctl --no-pager -n "$LINES" SYSLOG_FACILITY=10 2>/dev/null
  found=1
fi
[ -z "$found" ] && echo "no readable authentication log"

exit 0
