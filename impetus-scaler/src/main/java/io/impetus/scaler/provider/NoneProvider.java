package io.impetus.scaler.provider;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Monitor only: decisions are logged and shown, nothing is started or stopped. */
public final class NoneProvider implements NodeProvider {
    private static final Logger log = LoggerFactory.getLogger(NoneProvider.class);

    @Override
    public String name() {
        return "none";
    }

    @Override
    public List<String> launch(int count) {
        log.info("provider none: would launch {} node(s)", count);
        return List.of();
    }

    @Override
    public List<String> list() {
        return List.of();
    }

    @Override
    public void terminate(String nodeId) {
        log.info("provider none: would terminate node {}", nodeId);
    }
}
