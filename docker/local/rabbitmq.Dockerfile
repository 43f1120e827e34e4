# A stand-in for rabbitmq:3.13-management made from Debian's packages (scripts/local-images.sh): the
# same /etc/rabbitmq files (rabbitmq.conf, enabled_plugins, definitions.json) and data folder, the
# management plugin, RABBITMQ_ERLANG_COOKIE honoured, rabbitmq-diagnostics for health checks. With
# nothing mounted it behaves as the official image does (and as Testcontainers' RabbitMQContainer
# expects): management on, guest/guest allowed from other hosts, "Server startup complete" logged.
ARG BASE=impetus-local/debian:bookworm
FROM ${BASE}
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rabbitmq-server >/dev/null \
    && rm -rf /var/lib/apt/lists/* /var/lib/rabbitmq/mnesia
RUN printf '[rabbitmq_management].\n' >/etc/rabbitmq/enabled_plugins \
    && printf 'loopback_users.guest = false\nlisteners.tcp.default = 5672\nmanagement.tcp.port = 15672\n' \
        >/etc/rabbitmq/rabbitmq.conf
COPY rabbitmq-entrypoint.sh /usr/local/bin/rabbitmq-entrypoint.sh
EXPOSE 5672 15672 25672 4369
ENTRYPOINT ["/usr/local/bin/rabbitmq-entrypoint.sh"]
CMD ["rabbitmq-server"]
