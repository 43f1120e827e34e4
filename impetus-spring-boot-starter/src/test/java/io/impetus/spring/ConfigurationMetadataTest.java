package io.impetus.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metadata an IDE shows for application.properties, as the configuration processor wrote it. */
class ConfigurationMetadataTest {
    @Test
    void everyImpetusPropertyIsDescribedWithItsType() throws IOException {
        Map<String, JsonNode> properties = properties();
        assertThat(properties).containsKeys("impetus.uri", "impetus.user", "impetus.password",
                "impetus.password-file", "impetus.vhost", "impetus.prefix", "impetus.signing-key-file",
                "impetus.max-outstanding", "impetus.client-id", "impetus.health.timeout",
                "management.health.impetus.enabled");
        properties.forEach((name, p) -> assertThat(p.path("description").asText()).as(name).isNotBlank());
        assertThat(properties.get("impetus.password-file").path("type").asText()).isEqualTo("java.nio.file.Path");
        assertThat(properties.get("impetus.health.timeout").path("type").asText()).isEqualTo("java.time.Duration");
    }

    @Test
    void theDefaultsAreInTheMetadata() throws IOException {
        Map<String, JsonNode> properties = properties();
        assertThat(properties.get("impetus.health.timeout").path("defaultValue").asText()).isEqualTo("5s");
        assertThat(properties.get("management.health.impetus.enabled").path("defaultValue").asBoolean(true)).isFalse();
    }

    private static Map<String, JsonNode> properties() throws IOException {
        try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("the generated metadata").isNotNull();
            Map<String, JsonNode> all = new LinkedHashMap<>();
            new ObjectMapper().readTree(in).path("properties").forEach(p -> all.put(p.path("name").asText(), p));
            return all;
        }
    }
}
