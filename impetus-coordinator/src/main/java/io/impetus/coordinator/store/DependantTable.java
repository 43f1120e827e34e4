package io.impetus.coordinator.store;

import io.impetus.coordinator.store.CoordinatorStore.Dependant;
import io.impetus.coordinator.store.CoordinatorStore.InputResult;
import io.impetus.coordinator.store.CoordinatorStore.Readying;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Jobs that wait for other jobs: a {@code dependants} row per waiting job with the count of its inputs not yet
 * done, a {@code dependant_inputs} row per edge, and an {@code inputs_done} row per finished job that others
 * may wait for (its signed result). The count changes in the transaction that records the result it counts, and
 * a dependant whose count reaches 0 is put with its inputs' results among the delayed jobs, due now, in that
 * same transaction: nothing polls, and a crash between any two steps leaves either all or none of them. Both
 * writes first lock the stream's row, so a registration and a result of the same stream never miss each other.
 */
final class DependantTable {
    private final Database db;
    private final String scope;

    DependantTable(Database db, String scope) {
        this.db = db;
        this.scope = scope;
    }

    int register(Connection c, Dependant d, Readying make) throws SQLException {
        lockStream(c, d.stream());
        Optional<String> known = streamOf(c, "dependants", d.id());
        if (known.isPresent()) {
            if (!known.get().equals(d.stream())) {
                throw new DependencyException("job " + d.id() + " is already a job of stream '" + known.get() + "'");
            }
            return remaining(c, d.id()); // a repeat (a client's rerun, a redelivered request): changes nothing
        }
        Set<String> seen = new HashSet<>();
        for (String input : d.inputs()) {
            if (!seen.add(input)) {
                throw new DependencyException("input " + input + " is named twice");
            }
            if (input.equals(d.id())) {
                throw new DependencyException("job " + d.id() + " cannot wait for itself (a cycle)");
            }
            Optional<String> stream = streamOf(c, "inputs_done", input);
            if (stream.isEmpty()) {
                stream = streamOf(c, "dependants", input);
            }
            if (stream.isPresent() && !stream.get().equals(d.stream())) {
                throw new DependencyException("input " + input + " is a job of stream '" + stream.get()
                        + "', not of '" + d.stream() + "': a job waits only for jobs of its own stream");
            }
        }
        if (reaches(c, d.inputs(), d.id())) {
            throw new DependencyException("job " + d.id() + " would wait for a job that waits for it (a cycle)");
        }
        int done = 0;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO dependant_inputs (scope, dependant, input, position)"
                + " VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < d.inputs().size(); i++) {
                ps.setString(1, scope);
                ps.setString(2, d.id());
                ps.setString(3, d.inputs().get(i));
                ps.setInt(4, i);
                ps.addBatch();
                if (streamOf(c, "inputs_done", d.inputs().get(i)).isPresent()) {
                    done++;
                }
            }
            ps.executeBatch();
        }
        int remaining = d.inputs().size() - done;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO dependants (scope, id, stream, policy, priority,"
                + " remaining, body, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, scope);
            ps.setString(2, d.id());
            ps.setString(3, d.stream());
            ps.setString(4, d.policy());
            ps.setInt(5, d.priority());
            ps.setInt(6, remaining);
            ps.setBytes(7, d.body());
            ps.setTimestamp(8, Timestamp.from(db.now(c)));
            ps.executeUpdate();
        }
        if (remaining == 0) {
            release(c, d, make);
        }
        return remaining;
    }

    int inputDone(Connection c, String id, String stream, boolean ok, byte[] finished, Readying make)
            throws SQLException {
        lockStream(c, stream);
        return recordDone(c, id, stream, ok, finished, make);
    }

    private int recordDone(Connection c, String id, String stream, boolean ok, byte[] finished, Readying make)
            throws SQLException {
        if (streamOf(c, "inputs_done", id).isPresent()) {
            return 0; // counted already (a redelivered notice, a retried job's second result)
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO inputs_done (scope, id, stream, ok, result, done)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, scope);
            ps.setString(2, id);
            ps.setString(3, stream);
            ps.setBoolean(4, ok);
            ps.setBytes(5, finished);
            ps.setTimestamp(6, Timestamp.from(db.now(c)));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE dependants SET remaining = remaining - 1 WHERE scope = ?"
                + " AND remaining > 0 AND id IN (SELECT dependant FROM dependant_inputs WHERE scope = ? AND input = ?)")) {
            ps.setString(1, scope);
            ps.setString(2, scope);
            ps.setString(3, id);
            ps.executeUpdate();
        }
        List<Dependant> ready = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, stream, policy, priority, body FROM dependants"
                + " WHERE scope = ? AND remaining = 0 AND released IS NULL AND id IN (SELECT dependant FROM"
                + " dependant_inputs WHERE scope = ? AND input = ?)")) {
            ps.setString(1, scope);
            ps.setString(2, scope);
            ps.setString(3, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ready.add(new Dependant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            inputsOf(c, rs.getString(1)), rs.getBytes(5)));
                }
            }
        }
        int released = 0;
        for (Dependant d : ready) {
            released += release(c, d, make);
        }
        return released;
    }

    /** All of {@code d}'s inputs are done: it goes among the delayed jobs, due now, or fails as an input of others. */
    private int release(Connection c, Dependant d, Readying make) throws SQLException {
        List<InputResult> results = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT i.input, r.ok, r.result FROM dependant_inputs i JOIN"
                + " inputs_done r ON r.scope = i.scope AND r.id = i.input WHERE i.scope = ? AND i.dependant = ?"
                + " ORDER BY i.position")) {
            ps.setString(1, scope);
            ps.setString(2, d.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    results.add(new InputResult(rs.getString(1), rs.getBoolean(2), rs.getBytes(3)));
                }
            }
        }
        CoordinatorStore.Ready ready = make.ready(d, results);
        try (PreparedStatement ps = c.prepareStatement("UPDATE dependants SET released = ? WHERE scope = ? AND id = ?")) {
            ps.setTimestamp(1, Timestamp.from(db.now(c)));
            ps.setString(2, scope);
            ps.setString(3, d.id());
            ps.executeUpdate();
        }
        if (!streamOf(c, "delayed_jobs", d.id()).isPresent()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO delayed_jobs (scope, id, stream, due, priority, body) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, scope);
                ps.setString(2, d.id());
                ps.setString(3, d.stream());
                ps.setTimestamp(4, Timestamp.from(db.now(c)));
                ps.setInt(5, d.priority());
                ps.setBytes(6, ready.body());
                ps.executeUpdate();
            }
        }
        int released = 1;
        if (ready.failed()) {
            // it will not run: it is done, as a failure, for whatever waits for it, in this same transaction
            released += recordDone(c, d.id(), d.stream(), false, ready.body(), make);
        }
        return released;
    }

    private List<String> inputsOf(Connection c, String dependant) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT input FROM dependant_inputs WHERE scope = ? AND"
                + " dependant = ? ORDER BY position")) {
            ps.setString(1, scope);
            ps.setString(2, dependant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Whether {@code target} is among {@code from} or what they wait for, transitively. */
    private boolean reaches(Connection c, List<String> from, String target) throws SQLException {
        Deque<String> todo = new ArrayDeque<>(from);
        Set<String> visited = new HashSet<>();
        while (!todo.isEmpty()) {
            String next = todo.poll();
            if (next.equals(target)) {
                return true;
            }
            if (visited.add(next)) {
                todo.addAll(inputsOf(c, next));
            }
        }
        return false;
    }

    private int remaining(Connection c, String id) throws SQLException {
        return waitingFor(c, id).orElse(0);
    }

    /** How many inputs the dependant still waits for, if it is registered. */
    OptionalInt waitingFor(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT remaining FROM dependants WHERE scope = ? AND id = ?")) {
            ps.setString(1, scope);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
            }
        }
    }

    /** Serialises the registrations and results of one stream; an unknown stream is refused. */
    private void lockStream(Connection c, String stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM streams WHERE scope = ? AND id = ? FOR UPDATE")) {
            ps.setString(1, scope);
            ps.setString(2, stream);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new DependencyException("stream '" + stream + "' is unknown");
                }
            }
        }
    }

    private Optional<String> streamOf(Connection c, String table, String id) throws SQLException {
        return Rows.streamOf(c, table, scope, id);
    }

    /**
     * Deletes dependants released before {@code before} (with their edges) and results of inputs done before it;
     * returns how many rows went. A dependant still waiting keeps its rows and its inputs' results, however old.
     */
    int removeOld(Connection c, Instant before) throws SQLException {
        int removed = 0;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM dependant_inputs WHERE scope = ? AND dependant IN"
                + " (SELECT id FROM dependants WHERE scope = ? AND released < ?)")) {
            ps.setString(1, scope);
            ps.setString(2, scope);
            ps.setTimestamp(3, Timestamp.from(before));
            removed += ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM dependants WHERE scope = ? AND released < ?")) {
            ps.setString(1, scope);
            ps.setTimestamp(2, Timestamp.from(before));
            removed += ps.executeUpdate();
        }
        // an old result still counted for a dependant that waits for other inputs stays: it is part of its argument
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM inputs_done WHERE scope = ? AND done < ? AND id NOT IN"
                + " (SELECT i.input FROM dependant_inputs i JOIN dependants d ON d.scope = i.scope AND d.id = i.dependant"
                + " WHERE i.scope = ? AND d.released IS NULL)")) {
            ps.setString(1, scope);
            ps.setTimestamp(2, Timestamp.from(before));
            ps.setString(3, scope);
            removed += ps.executeUpdate();
        }
        return removed;
    }
}
