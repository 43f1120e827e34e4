# A stand-in for maven:3.9-eclipse-temurin-17 made from Debian's packages (scripts/local-images.sh).
ARG BASE=impetus-local/debian:bookworm
FROM ${BASE}
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless maven \
       ca-certificates >/dev/null \
    && rm -rf /var/lib/apt/lists/*
# this machine's extra certificate authorities, if any (scripts/local-images.sh puts them in ca/)
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null 2>&1
