package io.impetus.cli;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a daemon in the foreground until SIGTERM or Ctrl-C, then closes it (draining). */
final class Daemons {
    private static final Logger log = LoggerFactory.getLogger(Daemons.class);

    private Daemons() {
    }

    static int runUntilSignalled(String name, AutoCloseable daemon) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            log.info("{} received a stop signal; shutting down", name);
            try {
                daemon.close();
            } catch (Exception e) {
                log.error("{} did not close cleanly: {}", name, e.toString());
            }
            stopped.countDown();
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        return 0;
    }
}
