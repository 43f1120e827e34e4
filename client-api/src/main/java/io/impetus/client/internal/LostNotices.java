package io.impetus.client.internal;

import io.impetus.core.broker.InboundMessage;
import io.impetus.core.security.ReplayGuard;
import io.impetus.core.security.SignatureCheck;
import io.impetus.core.security.Signatures;
import io.impetus.core.security.SigningKey;
import java.nio.charset.StandardCharsets;
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

    /**
     * Whether the notice, heard on {@code stream}'s results exchange, is to be believed. A signed
     * notice names its stream in its body: one about another stream (a signed notice replayed onto this
     * stream's exchange) is not.
     */
    static boolean believed(SigningKey key, String stream, InboundMessage notice, Clock clock) {
        return believed(key, stream, notice, clock, null);
    }

    /** As {@link #believed(SigningKey, String, InboundMessage, Clock)}; with {@code replays}, a copy of a notice believed before is not. */
    static boolean believed(SigningKey key, String stream, InboundMessage notice, Clock clock, ReplayGuard replays) {
        if (key == null) {
            return true;
        }
        String about = new String(notice.body(), StandardCharsets.UTF_8);
        SignatureCheck check = Signatures.eventCheck(key, notice, clock);
        if (replays != null && check.valid() && about.equals(stream)) {
            check = replays.admit(check, notice); // only a notice believed otherwise: a misplaced one must not use it up
        }
        if (!check.valid()) {
            log.warn("ignored a notice that the jobs queue of stream {} was lost, from broker user {}: {}", about,
                    notice.userId(), check.reason());
            return false;
        }
        if (!about.equals(stream)) {
            log.warn("ignored a notice that the jobs queue of stream {} was lost, heard on stream {} from broker user {}:"
                    + " a notice about another stream (replayed here)", about, stream, notice.userId());
            return false;
        }
        return true;
    }
}
