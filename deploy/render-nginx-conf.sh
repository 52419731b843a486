#!/usr/bin/env bash
# Fill in deploy/nginx.conf's placeholders and print the result, for make serve and for production:
#   deploy/render-nginx-conf.sh LISTEN SERVER_NAMES APP_SERVER STATIC_ROOT > /srv/locator/nginx/nginx.conf
# e.g. deploy/render-nginx-conf.sh "443 ssl http2" "locator.example.org" unix:/run/locator/gunicorn.sock \
#          /srv/locator/app/staticfiles
# SERVER_NAMES may be comma- or space-separated (ALLOWED_HOSTS as it is works).
set -euo pipefail
[ $# = 4 ] || { echo "usage: $0 LISTEN SERVER_NAMES APP_SERVER STATIC_ROOT" >&2; exit 2; }
for value in "$@"; do
    [[ $value != *[\|\;\{\}]* ]] || { echo "$0: no | ; { or } in values: $value" >&2; exit 2; }
done
# Comment lines keep their placeholders, so the rendered file still explains itself.
sed -e "/^[[:space:]]*#/!s|@LISTEN@|$1|g" \
    -e "/^[[:space:]]*#/!s|@SERVER_NAME@|${2//,/ }|g" \
    -e "/^[[:space:]]*#/!s|@APP_SERVER@|$3|g" \
    -e "/^[[:space:]]*#/!s|@STATIC_ROOT@|${4%/}|g" \
    "$(dirname "${BASH_SOURCE[0]}")/nginx.conf"
