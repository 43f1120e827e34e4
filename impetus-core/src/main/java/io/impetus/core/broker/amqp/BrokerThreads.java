package io.impetus.core.broker.amqp;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The adapter's own threads, one each, so that no broker I/O thread ever waits: confirms are completed on
 * {@code completer}, publishes written on {@code sender}, RPC requests on {@code rpcSender}, and
 * {@code healer} runs the periodic upkeep (publish deadlines, re-consuming a subscription).
 */
record BrokerThreads(ExecutorService completer, ExecutorService sender, ExecutorService rpcSender,
                     ScheduledExecutorService healer) {

    static BrokerThreads start() {
        return new BrokerThreads(
                Executors.newSingleThreadExecutor(r -> daemon(r, "impetus-confirms")),
                Executors.newSingleThreadExecutor(r -> daemon(r, "impetus-publish")),
                Executors.newSingleThreadExecutor(r -> daemon(r, "impetus-rpc-send")),
                Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "impetus-topology-heal")));
    }

    /** Stops them; the completer first finishes the confirms already handed to it (failed by the close). */
    void shutDown() {
        sender.shutdownNow();
        rpcSender.shutdownNow();
        completer.shutdown();
        healer.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
