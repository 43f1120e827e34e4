package io.impetus.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.broker.Broker;
import io.impetus.core.broker.ExchangeType;
import io.impetus.core.broker.OutboundMessage;
import io.impetus.core.broker.QueueSpec;
import io.impetus.core.error.BrokerException;
import io.impetus.core.error.BrokerException.Kind;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Part of {@link BrokerContract}: declaring, binding and deleting: what is refused with which kind, and what
 * is idempotent.
 */
interface DeclarationContract extends BrokerContractSupport {
    @Test
    default void declaringAQueueAgainAsItIsIsFineAndWithOtherArgumentsFailsPreconditionFailed() {
        String q = queue("redeclared", Map.of("x-max-priority", 10));
        broker().declareQueue(QueueSpec.durable(q, Map.of("x-max-priority", 10)));
        assertThatThrownBy(() -> broker().declareQueue(QueueSpec.durable(q, Map.of("x-max-priority", 5))))
                .isInstanceOf(BrokerException.class)
                .satisfies(e -> assertThat(((BrokerException) e).kind()).isEqualTo(Kind.PRECONDITION_FAILED));
        assertThatThrownBy(() -> broker().declareQueue(new QueueSpec(q, false, false, false, Map.of("x-max-priority", 10))))
                .isInstanceOf(BrokerException.class)
                .satisfies(e -> assertThat(((BrokerException) e).kind()).isEqualTo(Kind.PRECONDITION_FAILED));
        assertThat(broker().inspect(q)).as("the queue is as it was, and the broker still answers").isPresent();
    }

    @Test
    default void declaringAnExchangeAgainWithAnotherTypeFailsPreconditionFailed() {
        String e = exchange("typed", ExchangeType.DIRECT);
        broker().declareExchange(e, ExchangeType.DIRECT, true);
        assertThatThrownBy(() -> broker().declareExchange(e, ExchangeType.TOPIC, true))
                .isInstanceOf(BrokerException.class)
                .satisfies(x -> assertThat(((BrokerException) x).kind()).isEqualTo(Kind.PRECONDITION_FAILED));
    }

    @Test
    default void aReservedNameIsRefusedAccess() {
        assertThatThrownBy(() -> broker().declareQueue(QueueSpec.durable("amq." + name("reserved"))))
                .isInstanceOf(BrokerException.class)
                .satisfies(x -> assertThat(((BrokerException) x).kind()).isEqualTo(Kind.ACCESS_REFUSED));
    }

    @Test
    default void bindingOrConsumingWhatIsMissingFailsNotFound() {
        String q = queue("lonely");
        String e = exchange("lonely", ExchangeType.DIRECT);
        assertThatThrownBy(() -> broker().bind(q, name("no-exchange"), "k")).isInstanceOf(BrokerException.class)
                .satisfies(x -> assertThat(((BrokerException) x).kind()).isEqualTo(Kind.NOT_FOUND));
        assertThatThrownBy(() -> broker().bind(name("no-queue"), e, "k")).isInstanceOf(BrokerException.class)
                .satisfies(x -> assertThat(((BrokerException) x).kind()).isEqualTo(Kind.NOT_FOUND));
        assertThatThrownBy(() -> broker().consume(name("no-queue"), 1, d -> { })).isInstanceOf(BrokerException.class)
                .satisfies(x -> assertThat(((BrokerException) x).kind()).isEqualTo(Kind.NOT_FOUND));
        broker().bind(q, e, "k");
    }

    @Test
    default void deletingAQueueIfEmptyKeepsOneWithMessagesAndDeletingWhatIsMissingIsFine() throws Exception {
        String q = queue("if-empty");
        publish(text(q, "keep me").build());
        broker().deleteQueue(q, true);
        assertThat(ready(q)).isEqualTo(1);
        broker().deleteQueue(q, false);
        assertThat(broker().inspect(q)).isEmpty();
        broker().deleteQueue(q, false);
        broker().deleteQueue(q, true);
        String e = exchange("deleted", ExchangeType.FANOUT);
        broker().deleteExchange(e);
        broker().deleteExchange(e);
        assertThat(failure(broker().publish(OutboundMessage.to(e, "").body(new byte[1]).build())).kind())
                .isEqualTo(Kind.NOT_FOUND);
    }
}
