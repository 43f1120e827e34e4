package io.impetus.core.broker;

import java.util.Locale;

/** The exchange types Impetus uses. */
public enum ExchangeType {
    DIRECT, FANOUT, TOPIC;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
