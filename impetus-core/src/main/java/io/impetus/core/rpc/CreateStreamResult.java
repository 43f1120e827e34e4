package io.impetus.core.rpc;

import java.util.List;

/**
 * The answer to create-stream.
 *
 * @param stream the stream as it now is
 * @param created true when it was new, false when an existing stream was reused
 * @param changed properties of an existing stream that this call changed
 * @param refused properties that differ but cannot change after create (kept as they were)
 */
public record CreateStreamResult(StreamInfo stream, boolean created, List<String> changed, List<String> refused) {
    public CreateStreamResult {
        changed = List.copyOf(changed);
        refused = List.copyOf(refused);
    }
}
