package io.impetus.core.loop;

import java.net.InetAddress;

/** This machine's name, as node ids, coordinator lease holders and local nodes show it. */
public final class LocalHost {
    private LocalHost() {
    }

    /** The host name, or {@code localhost} when it cannot be found. */
    public static String name() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
