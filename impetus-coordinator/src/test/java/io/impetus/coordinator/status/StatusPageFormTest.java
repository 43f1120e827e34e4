package io.impetus.coordinator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.impetus.core.http.DaemonEndpoint;
import org.junit.jupiter.api.Test;

class StatusPageFormTest {

    @Test
    void aFormIsDecodedAndAMalformedOneIsABadRequest() {
        assertThat(StatusPage.parse("action=replay&id=job%2D1&skip&=x")).containsEntry("action", "replay")
                .containsEntry("id", "job-1").hasSize(2);
        assertThat(StatusPage.parse(null)).isEmpty();
        assertThatThrownBy(() -> StatusPage.parse("id=%zz")).isInstanceOf(DaemonEndpoint.BadRequest.class)
                .hasMessageContaining("not URL-encoded");
        assertThatThrownBy(() -> StatusPage.parse("deadOffset=%")).isInstanceOf(DaemonEndpoint.BadRequest.class);
    }
}
