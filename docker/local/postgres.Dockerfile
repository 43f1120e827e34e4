# A stand-in for postgres:15 made from Debian's packages (scripts/local-images.sh): POSTGRES_USER,
# POSTGRES_PASSWORD and POSTGRES_DB honoured at first start, data in /var/lib/postgresql/data,
# password logins from other hosts, pg_isready for health checks.
ARG BASE=impetus-local/debian:bookworm
FROM ${BASE}
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
CMD ["postgres"]
