# One image for every part of Impetus: coordinator, node, scaler, examples, bench.
# Build: docker build -t impetus .   Run: docker run impetus <impetus arguments>
# The base images are build arguments: the official ones by default; on a machine without a registry,
# the stand-ins scripts/local-images.sh makes from Debian's packages (docker/local/images.env).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY pom.xml ./
COPY impetus-bom/pom.xml impetus-bom/
COPY impetus-core/pom.xml impetus-core/
COPY impetus-testkit/pom.xml impetus-testkit/
COPY impetus-coordinator/pom.xml impetus-coordinator/
COPY impetus-worker/pom.xml impetus-worker/
COPY impetus-scaler/pom.xml impetus-scaler/
COPY client-api/pom.xml client-api/
COPY impetus-test/pom.xml impetus-test/
COPY impetus-spring-boot-starter/pom.xml impetus-spring-boot-starter/
COPY impetus-cli/pom.xml impetus-cli/
COPY examples/pom.xml examples/
COPY examples/spring-boot/pom.xml examples/spring-boot/
COPY impetus-bench/pom.xml impetus-bench/
COPY impetus-dist/pom.xml impetus-dist/
RUN mvn -B -q dependency:go-offline -DskipTests || true
COPY . .
RUN mvn -B -q -DskipTests package

FROM ${RUNTIME_IMAGE}
RUN useradd --system --create-home --home-dir /home/impetus impetus \
    && mkdir -p /opt/impetus /data /var/log/impetus /var/run/impetus /keys \
    && chown impetus /data /var/log/impetus /var/run/impetus /keys \
    && chmod 700 /keys
COPY --from=build /src/impetus-dist/target/lib /opt/impetus/lib
COPY --from=build /src/docker/entrypoint.sh /opt/impetus/entrypoint.sh
USER impetus
WORKDIR /home/impetus
ENV IMPETUS_PIDDIR=/var/run/impetus IMPETUS_LOGDIR=/var/log/impetus
ENTRYPOINT ["/opt/impetus/entrypoint.sh"]
CMD ["--help"]
