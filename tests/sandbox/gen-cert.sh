#!/bin/sh
# Generates a throwaway CA and a server certificate for 127.0.0.1 and
# localhost, for running vobiz-sandbox over HTTPS in tests.
# usage: gen-cert.sh DIR   -> DIR/ca.pem, DIR/server.pem, DIR/server-key.pem
set -eu

dir=${1:?usage: gen-cert.sh DIR}
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
	-subj "/CN=vobiz-sandbox test CA" \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" \
	-keyout "$work/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null

openssl req -newkey rsa:2048 -nodes \
	-subj "/CN=localhost" \
	-keyout "$dir/server-key.pem" -out "$work/server.csr" 2>/dev/null

cat > "$work/ext.cnf" <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
EXT

openssl x509 -req -in "$work/server.csr" -days 30 \
	-CA "$dir/ca.pem" -CAkey "$work/ca-key.pem" -CAcreateserial -CAserial "$work/ca.srl" \
	-extfile "$work/ext.cnf" -out "$dir/server.pem" 2>/dev/null

chmod 600 "$dir/server-key.pem"
