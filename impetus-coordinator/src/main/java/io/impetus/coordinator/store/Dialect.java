package io.impetus.coordinator.store;

import java.util.ArrayList;
import java.util.List;

/** The SQL that differs between the embedded H2 file and PostgreSQL; everything else is shared. */
enum Dialect {
    H2("CLOB", "VARBINARY",
            "MERGE INTO streams (scope, id, properties, state, created, closed, drained) KEY (scope, id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, NULL)",
            "ALTER TABLE %s DROP PRIMARY KEY", " FOR UPDATE",
            // H2 has no UPDATE ... RETURNING; a data change delta table is its one-statement form
            "SELECT epoch FROM FINAL TABLE (UPDATE leases SET expires = GREATEST(expires, %s) WHERE scope = ? AND name = ?"
                    + " AND holder = ?)",
            "DATEADD(MILLISECOND, CAST(? AS BIGINT), CURRENT_TIMESTAMP)"),
    POSTGRES("TEXT", "BYTEA",
            "INSERT INTO streams (scope, id, properties, state, created, closed, drained) VALUES (?, ?, ?, ?, ?, ?, NULL)"
                    + " ON CONFLICT (scope, id) DO UPDATE SET properties = EXCLUDED.properties, state = EXCLUDED.state,"
                    + " created = EXCLUDED.created, closed = EXCLUDED.closed, drained = NULL",
            // FOR KEY SHARE, not FOR SHARE: it holds off a take-over (which locks the row FOR UPDATE first) but not
            // the holder's own renewal, an UPDATE of a non-key column; with FOR SHARE every renewal waited for the
            // fenced transaction in flight, each several round trips long on a slow link (renewals of 3-6 s)
            "ALTER TABLE %s DROP CONSTRAINT %<s_pkey", " FOR KEY SHARE",
            "UPDATE leases SET expires = GREATEST(expires, %s) WHERE scope = ? AND name = ? AND holder = ? RETURNING epoch",
            "CURRENT_TIMESTAMP + CAST(? AS BIGINT) * INTERVAL '1 millisecond'");

    /** The tables that carry a scope, with the key each had before scopes (version 1 of the schema). */
    static final List<String> SCOPED = List.of("streams", "bundles", "delayed_jobs", "leases");

    private final String text;
    private final String bytes;
    private final String upsertStream;
    private final String dropPrimaryKey;
    private final String lockShared;
    private final String renewLease;
    private final String later;

    Dialect(String text, String bytes, String upsertStream, String dropPrimaryKey, String lockShared, String renewLease,
            String later) {
        this.text = text;
        this.bytes = bytes;
        this.upsertStream = upsertStream;
        this.dropPrimaryKey = dropPrimaryKey;
        this.lockShared = lockShared;
        this.renewLease = renewLease;
        this.later = later;
    }

    /** Idempotent DDL of a new store (the current schema): every table and index, created when missing. */
    List<String> schema() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS streams (scope VARCHAR(300) NOT NULL, id VARCHAR(100) NOT NULL, properties "
                        + text + " NOT NULL, state VARCHAR(10) NOT NULL, created TIMESTAMP WITH TIME ZONE NOT NULL,"
                        + " closed TIMESTAMP WITH TIME ZONE, drained TIMESTAMP WITH TIME ZONE, PRIMARY KEY (scope, id))",
                "CREATE TABLE IF NOT EXISTS bundles (scope VARCHAR(300) NOT NULL, id CHAR(64) NOT NULL, zip " + bytes
                        + " NOT NULL, created TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY (scope, id))",
                "CREATE TABLE IF NOT EXISTS delayed_jobs (scope VARCHAR(300) NOT NULL, id VARCHAR(100) NOT NULL,"
                        + " stream VARCHAR(100) NOT NULL, due TIMESTAMP WITH TIME ZONE NOT NULL, priority INT NOT NULL,"
                        + " body " + bytes + " NOT NULL, claimed BIGINT, PRIMARY KEY (scope, id))",
                "CREATE INDEX IF NOT EXISTS delayed_jobs_due ON delayed_jobs (due)",
                "CREATE TABLE IF NOT EXISTS dependants (scope VARCHAR(300) NOT NULL, id VARCHAR(100) NOT NULL,"
                        + " stream VARCHAR(100) NOT NULL, policy VARCHAR(20) NOT NULL, priority INT NOT NULL,"
                        + " remaining INT NOT NULL, body " + bytes + " NOT NULL, created TIMESTAMP WITH TIME ZONE NOT NULL,"
                        + " released TIMESTAMP WITH TIME ZONE, PRIMARY KEY (scope, id))",
                "CREATE TABLE IF NOT EXISTS dependant_inputs (scope VARCHAR(300) NOT NULL, dependant VARCHAR(100) NOT NULL,"
                        + " input VARCHAR(100) NOT NULL, position INT NOT NULL, PRIMARY KEY (scope, dependant, input))",
                "CREATE INDEX IF NOT EXISTS dependant_inputs_input ON dependant_inputs (scope, input)",
                "CREATE TABLE IF NOT EXISTS inputs_done (scope VARCHAR(300) NOT NULL, id VARCHAR(100) NOT NULL,"
                        + " stream VARCHAR(100) NOT NULL, ok BOOLEAN NOT NULL, result " + bytes + " NOT NULL,"
                        + " done TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY (scope, id))",
                "CREATE TABLE IF NOT EXISTS schedules (scope VARCHAR(300) NOT NULL, id VARCHAR(100) NOT NULL,"
                        + " stream VARCHAR(100) NOT NULL, creator VARCHAR(200), function VARCHAR(700) NOT NULL,"
                        + " cron VARCHAR(200) NOT NULL, seconds BOOLEAN NOT NULL, zone VARCHAR(100) NOT NULL,"
                        + " misfire VARCHAR(20) NOT NULL, catch_up INT NOT NULL, misfire_after BIGINT NOT NULL,"
                        + " overlap VARCHAR(20) NOT NULL, results_kept INT NOT NULL, results_ttl BIGINT NOT NULL,"
                        + " job " + bytes + " NOT NULL, paused BOOLEAN NOT NULL, next TIMESTAMP WITH TIME ZONE,"
                        + " last_occurrence TIMESTAMP WITH TIME ZONE, last_job VARCHAR(100), last_outcome VARCHAR(20),"
                        + " last_fired TIMESTAMP WITH TIME ZONE, runs BIGINT NOT NULL, misses BIGINT NOT NULL,"
                        + " overlap_skips BIGINT NOT NULL, created TIMESTAMP WITH TIME ZONE NOT NULL,"
                        + " lost BIGINT DEFAULT 0 NOT NULL, PRIMARY KEY (scope, id))",
                // the unique key that makes an occurrence fire once, whoever fires it
                "CREATE TABLE IF NOT EXISTS schedule_occurrences (scope VARCHAR(300) NOT NULL, schedule VARCHAR(100)"
                        + " NOT NULL, occurrence TIMESTAMP WITH TIME ZONE NOT NULL, job VARCHAR(100) NOT NULL,"
                        + " fired TIMESTAMP WITH TIME ZONE NOT NULL, outcome VARCHAR(20),"
                        + " finished TIMESTAMP WITH TIME ZONE, PRIMARY KEY (scope, schedule, occurrence))",
                "CREATE INDEX IF NOT EXISTS schedule_occurrences_job ON schedule_occurrences (scope, job)",
                "CREATE TABLE IF NOT EXISTS leases (scope VARCHAR(300) NOT NULL, name VARCHAR(100) NOT NULL,"
                        + " holder VARCHAR(200) NOT NULL, expires TIMESTAMP WITH TIME ZONE NOT NULL,"
                        + " epoch BIGINT NOT NULL DEFAULT 1, PRIMARY KEY (scope, name))");
    }

    /**
     * DDL that brings a version-1 store (no scope, no epoch, no claims, no drained time) to the current
     * schema. Rows get the scope {@code ''}, the old single installation, which the caller then hands to
     * the installation opening it.
     */
    List<String> fromVersion1() {
        List<String> ddl = new ArrayList<>();
        for (String table : SCOPED) {
            ddl.add("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS scope VARCHAR(300) DEFAULT '' NOT NULL");
            ddl.add(String.format(dropPrimaryKey, table));
            ddl.add("ALTER TABLE " + table + " ADD PRIMARY KEY (scope, " + (table.equals("leases") ? "name" : "id") + ")");
        }
        ddl.add("ALTER TABLE streams ADD COLUMN IF NOT EXISTS drained TIMESTAMP WITH TIME ZONE");
        ddl.add("ALTER TABLE delayed_jobs ADD COLUMN IF NOT EXISTS claimed BIGINT");
        ddl.add("ALTER TABLE leases ADD COLUMN IF NOT EXISTS epoch BIGINT DEFAULT 1 NOT NULL");
        return ddl;
    }

    String upsertStream() {
        return upsertStream;
    }

    /**
     * Appended to a SELECT of the lease row: holds off a change of holder (a take-over locks the row
     * {@code FOR UPDATE} before it changes it) until the transaction ends; on PostgreSQL it does not hold off
     * the holder's renewal.
     */
    String lockShared() {
        return lockShared;
    }

    /**
     * One statement that renews a lease its holder has (whether or not it ran out: nobody took it meanwhile,
     * so its epoch stands) and returns the epoch, no row if another holds it; {@code expires} is the SQL of
     * the new expiry, with one parameter (the scope, name and holder follow it). The expiry never moves
     * back: renewals overlap, and one that reaches the database late must not shorten what a later one
     * granted (the holder counts each grant from its own asking).
     */
    String renewLease(String expires) {
        return String.format(renewLease, expires);
    }

    /** The database's now plus a number of milliseconds (its one parameter), as SQL. */
    String later() {
        return later;
    }
}
