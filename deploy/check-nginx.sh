#!/usr/bin/env bash
# Check deploy/nginx/cchc.conf with `nginx -t`, inside a throw-away nginx prefix with a
# self-signed certificate in place of the real one (CI, .ci/run). Needs nginx and openssl.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/logs" "$work/static"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=cchc.example.gov.vn" \
    -keyout "$work/privkey.pem" -out "$work/fullchain.pem" 2>/dev/null
sed -e "s#/etc/ssl/cchc/#$work/#g" -e "s#/srv/cchc/staticfiles/#$work/static/#g" \
    "$here/nginx/cchc.conf" > "$work/cchc.conf"
cat > "$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log $work/logs/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    include $work/cchc.conf;
}
CONF
nginx -t -q -p "$work" -c "$work/nginx.conf"
echo "nginx -t: deploy/nginx/cchc.conf is valid"
