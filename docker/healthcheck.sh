#!/usr/bin/env bash
# Docker HEALTHCHECK without curl or wget (the aspnet runtime image has neither): one HTTP/1.1 request over bash's
# /dev/tcp to /health/live. Healthy only on a 200 status line; refused connections and timeouts are unhealthy.
set -u
port="${FLORENCEVL_HEALTH_PORT:-8000}"
exec 3<>"/dev/tcp/127.0.0.1/${port}" 2>/dev/null || exit 1
printf 'GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t "${FLORENCEVL_HEALTH_TIMEOUT:-5}" status_line <&3 || exit 1
[[ "$status_line" == "HTTP/1.1 200 "* ]]
