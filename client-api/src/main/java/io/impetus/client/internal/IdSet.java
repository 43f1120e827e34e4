package io.impetus.client.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * The job ids a client has had results for, kept small: a UUID (what clients make) is two longs
 * in an open-addressing table, about 32 bytes an id instead of about 130 for a {@code String} in a
 * concurrent set, so a run of a million jobs keeps its exactly-once check in ~32 MB. Other ids go
 * to an ordinary set. Thread-safe.
 */
final class IdSet {
    private long[] table = new long[2 * 1024]; // pairs (most, least); (0, 0) is empty
    private int size;
    private boolean hasZero; // the UUID whose bits are all 0 cannot mark itself
    private final Set<String> others = new HashSet<>();

    /** Adds {@code id}; false if it was there already. */
    synchronized boolean add(String id) {
        long[] uuid = parse(id);
        if (uuid == null) {
            return others.add(id);
        }
        if (uuid[0] == 0 && uuid[1] == 0) {
            boolean added = !hasZero;
            hasZero = true;
            return added;
        }
        if ((size + 1) * 4L > (long) (table.length / 2) * 3) { // load factor 3/4
            grow();
        }
        return insert(table, uuid[0], uuid[1]);
    }

    synchronized boolean contains(String id) {
        long[] uuid = parse(id);
        if (uuid == null) {
            return others.contains(id);
        }
        if (uuid[0] == 0 && uuid[1] == 0) {
            return hasZero;
        }
        int slots = table.length / 2;
        for (int i = slot(uuid[0], uuid[1], slots); ; i = (i + 1) % slots) {
            long m = table[2 * i];
            long l = table[2 * i + 1];
            if (m == 0 && l == 0) {
                return false;
            }
            if (m == uuid[0] && l == uuid[1]) {
                return true;
            }
        }
    }

    synchronized int size() {
        return size + (hasZero ? 1 : 0) + others.size();
    }

    private boolean insert(long[] t, long most, long least) {
        int slots = t.length / 2;
        for (int i = slot(most, least, slots); ; i = (i + 1) % slots) {
            long m = t[2 * i];
            long l = t[2 * i + 1];
            if (m == 0 && l == 0) {
                t[2 * i] = most;
                t[2 * i + 1] = least;
                if (t == table) {
                    size++;
                }
                return true;
            }
            if (m == most && l == least) {
                return false;
            }
        }
    }

    private void grow() {
        long[] old = table;
        long[] bigger = new long[old.length * 2];
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != 0 || old[i + 1] != 0) {
                insert(bigger, old[i], old[i + 1]);
            }
        }
        table = bigger;
    }

    private static int slot(long most, long least, int slots) {
        long h = most * 0x9E3779B97F4A7C15L ^ least;
        h ^= h >>> 31;
        return (int) Math.floorMod(h, (long) slots);
    }

    /** The two longs of a canonical lower-case UUID text, or null for any other id. */
    static long[] parse(String id) {
        if (id == null || id.length() != 36 || id.charAt(8) != '-' || id.charAt(13) != '-' || id.charAt(18) != '-'
                || id.charAt(23) != '-') {
            return null;
        }
        long most = 0;
        long least = 0;
        int digits = 0;
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            if (c == '-') {
                continue;
            }
            int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (v < 0) {
                return null; // upper case or not hex: kept as text, so two spellings stay two ids
            }
            if (digits < 16) {
                most = most << 4 | v;
            } else {
                least = least << 4 | v;
            }
            digits++;
        }
        return new long[] {most, least};
    }
}
