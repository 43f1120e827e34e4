package io.impetus.client;

import io.impetus.client.internal.ClientSession;
import io.impetus.core.rpc.ControlRequest;
import io.impetus.core.rpc.RpcException;
import io.impetus.core.schedule.ScheduleInfo;
import io.impetus.core.schedule.ScheduleResult;
import java.util.List;

/**
 * The installation's recurring jobs, as the active coordinator keeps them (made with
 * {@link Impetus.Stream#schedule}). Anyone may list and show them; only the creator of a schedule's stream (this
 * client, connected as the broker user that created it) or the admin may pause, resume, trigger, delete one or
 * read its results. Each call is one signed control request; a refused one throws
 * {@link RpcException} with the reason and changes nothing. Thread-safe.
 */
public final class Schedules {
    private final ClientSession session;

    Schedules(ClientSession session) {
        this.session = session;
    }

    /** Every schedule of the installation, by id. */
    public List<ScheduleInfo> list() {
        return List.of(session.control(call("list", null, 0), ScheduleInfo[].class));
    }

    /** Schedule {@code id}: next run, last run and its outcome, lag, counts. */
    public ScheduleInfo show(String id) {
        return session.control(call("show", id, 0), ScheduleInfo.class);
    }

    /** Stops firing it; what falls due while paused is not made up on {@link #resume}. */
    public ScheduleInfo pause(String id) {
        return session.control(call("pause", id, 0), ScheduleInfo.class);
    }

    /** Fires it again from its next occurrence after now. */
    public ScheduleInfo resume(String id) {
        return session.control(call("resume", id, 0), ScheduleInfo.class);
    }

    /** Runs it once now, whatever its cron says (its overlap policy does not apply). */
    public ScheduleInfo trigger(String id) {
        return session.control(call("trigger", id, 0), ScheduleInfo.class);
    }

    /** Deletes it and its results queue; a run already fired still runs. */
    public ScheduleInfo delete(String id) {
        return session.control(call("delete", id, 0), ScheduleInfo.class);
    }

    /** The oldest {@code max} results its results queue holds (bounded in length and age), left there. */
    public List<ScheduleResult> results(String id, int max) {
        return List.of(session.control(call("results", id, max), ScheduleResult[].class));
    }

    private ControlRequest.Schedules call(String action, String id, int max) {
        return new ControlRequest.Schedules(action, id, null, null, null, session.clientId(), max);
    }
}
