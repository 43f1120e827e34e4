package io.impetus.core.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One result of a schedule's run, as read (not taken) from the schedule's results queue. */
public record ScheduleResult(String job, Instant occurrence, String status, JsonNode result, String node) {
}
