package io.impetus.spring.autoconfigure;

import io.impetus.core.error.BrokerException;
import io.impetus.core.error.ImpetusException;
import io.impetus.core.error.InvalidPropertyException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a startup that failed on an {@link ImpetusException} (the broker refused, a property is wrong)
 * into Boot's short "APPLICATION FAILED TO START" report: the client's own message, which says what
 * happened and what to do, and an action naming the properties, instead of a stack trace several
 * Spring exceptions deep. Registered in {@code META-INF/spring.factories}.
 */
class ImpetusFailureAnalyzer extends AbstractFailureAnalyzer<ImpetusException> {
    static final String BROKER_ACTION = "Check that RabbitMQ is running and that impetus.uri (or IMPETUS_RABBITMQ_URI),"
            + " impetus.user, impetus.password-file and impetus.vhost name it and a user it accepts.";
    static final String PROPERTY_ACTION = "Correct the impetus.* property (or the IMPETUS_* environment variable)"
            + " named above.";
    static final String OTHER_ACTION = "See the message above; the impetus.* properties are listed in the README of"
            + " impetus-spring-boot-starter.";

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ImpetusException cause) {
        String action = cause instanceof BrokerException ? BROKER_ACTION
                : cause instanceof InvalidPropertyException ? PROPERTY_ACTION : OTHER_ACTION;
        return new FailureAnalysis("Impetus could not start: " + cause.getMessage(), action, cause);
    }
}
