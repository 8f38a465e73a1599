#!/bin/sh
# riposte built-in: list common Linux persistence locations.
# Cron jobs, systemd units enabled at boot, shell start-up files and SSH authorized keys.
# Read-only: prints what it finds, changes nothing.

section() { printf '\n===== %s =====\n' "$1"; }
have() { command -v "$1" >/dev/null 2>&1; }
show() { [ -r "$1" ] && { echo "-- $1"; grep -v '^[[:space:]]*\(#\|$\)' "$1" 2>/dev/null; }; }

section "system crontabs"
show /etc/crontab
for f in /etc/cron.d/* /etc/anacrontab; do [ -f "$f" ] && show "$f"; done
for d in /etc/cron.hourly /etc/cron.daily /etc/cron.weekly /etc/cron.monthly; do
  [ -d "$d" ] && { echo "-- $d"; ls -la "$d" 2>/dev/null; }
done

section "user crontabs"
for d in /var/spool/cron/crontabs /var/spool/cron; do
  [ -d "$d" ] && for f in "$d"/*; do [ -f "$f" ] && show "$f"; done
done

section "systemd units enabled at boot"
if have systemctl; then
  systemctl list-unit-files --state=enabled --no-pager --no-legend 2>/dev/null
  echo
  echo "-- timers"
  systemctl list-timers --all --no-pager --no-legend 2>/dev/null
else
  echo "systemctl: not available"
  ls -la /etc/init.d 2>/dev/null
fi

section "locally added units (/etc/systemd/system)"
find /etc/systemd/system -maxdepth 2 -type f -name '*.service' -newer /etc/hostname 2>/dev/null

section "rc.local and shell start-up files"
show /etc/rc.local
for f in /etc/profile /etc/bash.bashrc /etc/profile.d/*.sh; do [ -f "$f" ] && ls -la "$f"; done

section "SSH authorized keys"
getent passwd 2>/dev/null | cut -d: -f1,6 | while IFS=: read -r user home; do
  for f in "$home/.ssh/authorized_keys" "$home/.ssh/authorized_keys2"; do
    if [ -r "$f" ]; then
      echo "-- $user: $f"
      awk '{ print $1, $NF }' "$f"
    fi
  done
done

section "preload hooks"
show /etc/ld.so.preload

exit 0
