#!/bin/bash
# Impetus node bootstrap (EC2 user data), rendered by the scaler's ec2 provider.
# Installs a JRE, fetches the Impetus distribution, writes the node's config, starts the node.
set -euo pipefail
exec > >(tee -a /var/log/impetus-bootstrap.log) 2>&1

if ! command -v java >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless curl
  else
    yum install -y java-17-amazon-corretto-headless curl
  fi
fi

mkdir -p /opt/impetus /var/log/impetus /var/run/impetus
curl -fsSL '{{DIST_URL}}' -o /tmp/impetus.tar.gz
echo '{{DIST_SHA256}}  /tmp/impetus.tar.gz' | sha256sum -c -   # the distribution is the one the scaler names
tar -xzf /tmp/impetus.tar.gz -C /opt/impetus --strip-components=1

# values are placed in single quotes or in this heredoc with a quoted delimiter: never expanded by the shell;
# no secret is in this script: the node reads the broker password (and the signing key) from SSM Parameter Store
cat > /opt/impetus/impetus.properties <<'CONFIG'
host = {{BROKER_HOST}}
port = {{BROKER_PORT}}
user = {{BROKER_USER}}
vhost = {{VHOST}}
prefix = {{PREFIX}}
mpps = {{MPPS}}
piddir = /var/run/impetus
logdir = /var/log/impetus
CONFIG
chmod 600 /opt/impetus/impetus.properties

TOKEN=$(curl -fsS -X PUT http://169.254.169.254/latest/api/token -H "X-aws-ec2-metadata-token-ttl-seconds: 300" || true)
INSTANCE_ID=$(curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)
cd /opt/impetus
IMPETUS_NODE_ID="$INSTANCE_ID" IMPETUS_CONFIG=/opt/impetus/impetus.properties \
  java -cp '/opt/impetus/lib/*' io.impetus.cli.Impetus node start \
  --authkey-ssm-parameter '{{AUTHKEY_PARAMETER}}' --signing-key-ssm-parameter '{{SIGNING_KEY_PARAMETER}}'
