#!/usr/bin/env python3
"""Makes the Secrets of an Impetus installation on Kubernetes, with new random passwords and keys.

    python3 deploy/kubernetes/make-secrets.py OUT_DIR [--namespace impetus] [--postgres-host postgres]
    kubectl apply -f OUT_DIR        # then: kubectl apply -k deploy/kubernetes/base
    shred -u OUT_DIR/*.yaml         # or keep them in your secret store, not in git

It writes one Secret manifest per file (owner-only) and prints each Secret's name; it never prints a
value. The RabbitMQ users, vhost, permissions and policies are broker-config/definitions.json's, each
user with a new password (stored as RabbitMQ's salted SHA-256 hash in rabbitmq-definitions). Run it
again to rotate everything: apply, then restart RabbitMQ and the Impetus pods (docs/OPERATIONS.md).
Needs only Python 3.
"""
import argparse
import base64
import hashlib
import json
import os
import secrets
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFINITIONS = os.path.join(HERE, "..", "..", "broker-config", "definitions.json")
ROLES = ["coordinator", "node", "scaler", "client"]


def rabbit_hash(password):
    salt = secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def secret(name, namespace, data):
    lines = ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: {name}", f"  namespace: {namespace}",
             "  labels: {app.kubernetes.io/part-of: impetus}", "type: Opaque", "data:"]
    for key, value in data.items():
        lines.append(f"  {key}: {base64.b64encode(value.encode()).decode()}")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", help="folder for the Secret manifests (made owner-only)")
    p.add_argument("--namespace", default="impetus")
    p.add_argument("--postgres-host", default="postgres", help="the store's host, for the pgpass line")
    a = p.parse_args()
    os.makedirs(a.out, mode=0o700, exist_ok=True)
    os.chmod(a.out, 0o700)

    passwords = {"impetus": secrets.token_urlsafe(24)}
    passwords.update({f"impetus-{r}": secrets.token_urlsafe(24) for r in ROLES})
    with open(DEFINITIONS) as f:
        definitions = json.load(f)
    for user in definitions["users"]:
        if user["name"] not in passwords:
            sys.exit(f"definitions.json has user {user['name']}, which this script has no password for")
        user["password_hash"] = rabbit_hash(passwords[user["name"]])
        user["hashing_algorithm"] = "rabbit_password_hashing_sha256"
    pg_password = secrets.token_urlsafe(24)

    out = {
        "rabbitmq-definitions": {"definitions.json": json.dumps(definitions, indent=1)},
        "rabbitmq-erlang-cookie": {"erlang-cookie": secrets.token_hex(32)},
        "impetus-signing-key": {"signing-key": base64.b64encode(secrets.token_bytes(32)).decode()},
        "impetus-http-keys": {"coordinator": secrets.token_urlsafe(24), "scaler": secrets.token_urlsafe(24)},
        "postgres": {"password": pg_password,
                     "pgpass": f"{a.postgres_host}:5432:impetus:impetus:{pg_password}\n"},
        # each part's RabbitMQ password (the admin user impetus: for people, with the management UI)
        "impetus-broker-admin": {"authkey": passwords["impetus"]},
        "impetus-broker-coordinator": {"authkey": passwords["impetus-coordinator"]},
        "impetus-broker-node": {"authkey": passwords["impetus-node"]},
        "impetus-broker-scaler": {"authkey": passwords["impetus-scaler"]},
        "impetus-broker-client": {"authkey": passwords["impetus-client"]},
    }
    for name, data in out.items():
        path = os.path.join(a.out, f"{name}.yaml")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secret(name, a.namespace, data))
        print(f"secret {a.namespace}/{name}: {', '.join(data)} -> {path}")


if __name__ == "__main__":
    main()
