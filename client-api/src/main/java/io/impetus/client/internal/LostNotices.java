package io.impetus.client.internal;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.security.SignatureCheck;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a {@code _lost} notice (a stream's jobs queue was deleted and declared again, so every
 * client sends its outstanding jobs again) is to be believed: always without a key; with one, only
 * when signed by an accepted key within the freshness window. Anyone who may publish to a results
 * exchange could otherwise make every client of a stream send everything again, as often as it likes.
 */
final class LostNotices {
    private static final Logger log = LoggerFactory.getLogger(LostNotices.class);

    private LostNotices() {
    }

    static boolean believed(SigningKey key, InboundMessage notice, Clock clock) {
        if (key == null) {
            return true;
        }
        SignatureCheck check = Signatures.eventCheck(key, notice, clock);
        if (!check.valid()) {
            log.warn("ignored a notice that the jobs queue of stream {} was lost, from broker user {}: {}",
                    new String(notice.body(), java.nio.charset.StandardCharsets.UTF_8), notice.userId(), check.reason());
        }
        return check.valid();
    }
}
