package io.impetus.coordinator.store;

import java.util.List;

/** The SQL that differs between the embedded H2 file and PostgreSQL; everything else is shared. */
enum Dialect {
    H2("CLOB", "VARBINARY",
            "MERGE INTO streams (id, properties, state, created, closed) KEY (id) VALUES (?, ?, ?, ?, ?)"),
    POSTGRES("TEXT", "BYTEA",
            "INSERT INTO streams (id, properties, state, created, closed) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id)"
                    + " DO UPDATE SET properties = EXCLUDED.properties, state = EXCLUDED.state,"
                    + " created = EXCLUDED.created, closed = EXCLUDED.closed");

    private final String text;
    private final String bytes;
    private final String upsertStream;

    Dialect(String text, String bytes, String upsertStream) {
        this.text = text;
        this.bytes = bytes;
        this.upsertStream = upsertStream;
    }

    /** Idempotent DDL: every table and index, created when missing. */
    List<String> schema() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS streams (id VARCHAR(100) PRIMARY KEY, properties " + text + " NOT NULL,"
                        + " state VARCHAR(10) NOT NULL, created TIMESTAMP WITH TIME ZONE NOT NULL,"
                        + " closed TIMESTAMP WITH TIME ZONE)",
                "CREATE TABLE IF NOT EXISTS bundles (id CHAR(64) PRIMARY KEY, zip " + bytes + " NOT NULL,"
                        + " created TIMESTAMP WITH TIME ZONE NOT NULL)",
                "CREATE TABLE IF NOT EXISTS delayed_jobs (id VARCHAR(100) PRIMARY KEY, stream VARCHAR(100) NOT NULL,"
                        + " due TIMESTAMP WITH TIME ZONE NOT NULL, priority INT NOT NULL, body " + bytes + " NOT NULL)",
                "CREATE INDEX IF NOT EXISTS delayed_jobs_due ON delayed_jobs (due)",
                "CREATE TABLE IF NOT EXISTS leases (name VARCHAR(100) PRIMARY KEY, holder VARCHAR(200) NOT NULL,"
                        + " expires TIMESTAMP WITH TIME ZONE NOT NULL)");
    }

    String upsertStream() {
        return upsertStream;
    }

}
