package io.impetus.core.broker.amqp;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import io.impetus.core.config.ConnectionSettings;
import io.impetus.core.config.SettingsResolver;
import io.impetus.core.error.BrokerException;
import io.impetus.core.error.BrokerException.Kind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/** Turns the AMQP client's connect failures into one line that says what to do. */
final class ConnectionErrors {
    private ConnectionErrors() {
    }

    static BrokerException explain(ConnectionSettings s, Throwable e) {
        Throwable root = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthenticationFailureException || t instanceof PossibleAuthenticationFailureException
                    || t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException
                    || t instanceof TimeoutException || t instanceof ShutdownSignalException) {
                root = t;
                break;
            }
        }
        if (root instanceof AuthenticationFailureException || root instanceof PossibleAuthenticationFailureException) {
            return new BrokerException(Kind.AUTHENTICATION, "RabbitMQ at " + String.join(",", s.addresses())
                    + " refused user '" + s.user() + "': authentication failed — check the authkey"
                    + " (-a, IMPETUS_AUTHKEY or the password in the URI); for a local broker,"
                    + " broker-config/apply-local.sh creates the impetus user", e);
        }
        if (root instanceof ShutdownSignalException sse && String.valueOf(sse.getMessage()).contains("vhost")) {
            return new BrokerException(Kind.VHOST, "RabbitMQ at " + String.join(",", s.addresses()) + " refused access to vhost '"
                    + s.vhost() + "' for user '" + s.user() + "' — create the vhost and grant the user"
                    + " permissions (broker-config/apply-local.sh does both for a local broker)", e);
        }
        if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
            return new BrokerException(Kind.UNREACHABLE, "cannot reach RabbitMQ at " + String.join(",", s.addresses())
                    + " (" + root.getMessage() + ") — is it running? Start it with"
                    + " 'rabbitmq-server -detached' or see README, Quick start", e);
        }
        if (root instanceof UnknownHostException) {
            return new BrokerException(Kind.UNREACHABLE, "cannot reach RabbitMQ at " + String.join(",", s.addresses())
                    + " (unknown host " + s.host() + ") — check the broker address (-q, --uri)", e);
        }
        if (root instanceof SocketTimeoutException || root instanceof TimeoutException) {
            return new BrokerException(Kind.TIMEOUT, "RabbitMQ at " + String.join(",", s.addresses())
                    + " did not answer in time — is the address right and the broker healthy?", e);
        }
        return new BrokerException(Kind.OTHER, "cannot connect to RabbitMQ at " + String.join(",", s.addresses()) + ": "
                + e.getClass().getSimpleName() + ": " + SettingsResolver.redact(e.getMessage()), e);
    }
}
