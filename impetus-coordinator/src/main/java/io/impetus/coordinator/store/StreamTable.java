package io.impetus.coordinator.store;

import io.impetus.core.codec.Json;
import io.impetus.core.rpc.StreamInfo;
import io.impetus.core.stream.StreamProperties;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The streams of one scope, a {@code streams} row each: its properties (JSON), state, when it was created and
 * closed, and when its queues were found drained and removed (a closed stream's row is kept until then and
 * for the retention after).
 */
final class StreamTable {
    private static final String COLUMNS = "SELECT id, properties, state, created, closed FROM streams";

    private final Database db;
    private final String scope;

    StreamTable(Database db, String scope) {
        this.db = db;
        this.scope = scope;
    }

    Optional<StreamInfo> read(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(COLUMNS + " WHERE scope = ? AND id = ?")) {
            ps.setString(1, scope);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(streamFrom(rs)) : Optional.empty();
            }
        }
    }

    /** The streams that meet {@code condition} (SQL starting with {@code AND}, or empty), oldest first. */
    List<StreamInfo> list(Connection c, String condition) throws SQLException {
        List<StreamInfo> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS + " WHERE scope = ?" + condition + " ORDER BY created, id")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(streamFrom(rs));
                }
            }
        }
        return out;
    }

    int save(Connection c, StreamInfo stream) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(db.dialect().upsertStream())) {
            ps.setString(1, scope);
            ps.setString(2, stream.id());
            ps.setString(3, new String(Json.write(stream.properties().toMap()), StandardCharsets.UTF_8));
            ps.setString(4, stream.state().name());
            ps.setTimestamp(5, Timestamp.from(stream.created()));
            ps.setTimestamp(6, stream.closed() == null ? null : Timestamp.from(stream.closed()));
            return ps.executeUpdate();
        }
    }

    /** Notes a closed stream's queues drained and removed, now on the database's clock; once. */
    int markDrained(Connection c, String streamId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE streams SET drained = ? WHERE scope = ? AND id = ?"
                + " AND state = 'CLOSED' AND drained IS NULL")) {
            ps.setTimestamp(1, Timestamp.from(db.now(c)));
            ps.setString(2, scope);
            ps.setString(3, streamId);
            return ps.executeUpdate();
        }
    }

    /** Deletes the rows of closed streams drained before {@code before}; how many went. */
    int removeDrained(Connection c, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM streams WHERE scope = ? AND state = 'CLOSED'"
                + " AND drained IS NOT NULL AND drained < ?")) {
            ps.setString(1, scope);
            ps.setTimestamp(2, Timestamp.from(before));
            return ps.executeUpdate();
        }
    }

    @SuppressWarnings("unchecked")
    private static StreamInfo streamFrom(ResultSet rs) throws SQLException {
        Map<String, Object> props = Json.read(rs.getString(2).getBytes(StandardCharsets.UTF_8), Map.class);
        Timestamp closed = rs.getTimestamp(5);
        return new StreamInfo(rs.getString(1), StreamProperties.stored(props), StreamInfo.State.valueOf(rs.getString(3)),
                rs.getTimestamp(4).toInstant(), closed == null ? null : closed.toInstant());
    }
}
