package io.impetus.core.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.impetus.core.error.CodecException;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The one Jackson mapper Impetus uses. Instants are written the seed's way
 * ({@code 2014-03-05 15:42:14.633071}, UTC) and read in that form or ISO-8601.
 */
public final class Json {
    private static final DateTimeFormatter SEED_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    /** The deepest nesting Impetus writes (a job's argument or result deeper is refused where it is written). */
    public static final int MAX_WRITE_NESTING = 1000;
    /**
     * The deepest nesting it reads: a little more than it writes, so that what one part wrote is read by another
     * inside the envelopes and frames that carry it (a result in an outcome frame, then in a result message).
     */
    public static final int MAX_READ_NESTING = MAX_WRITE_NESTING + 100;

    /**
     * Jackson's own limits on strings and names (20,000,000 and 50,000 characters by default) are lifted: a message
     * is bounded in bytes by {@link Limits} before it is read, and a string that fits in it must be read, or a job
     * with a long argument or result would be refused by the node or the client after it had been sent.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE).maxNestingDepth(MAX_READ_NESTING).build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_WRITE_NESTING).build())
            .build();

    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .addModule(new SimpleModule("impetus-time")
                    .addSerializer(Instant.class, new InstantWriter())
                    .addDeserializer(Instant.class, new InstantReader()))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    /** {@link #MAPPER}'s writer of trees, its serializer looked up once. */
    private static final ObjectWriter TREE_WRITER = MAPPER.writerFor(JsonNode.class);

    private Json() {
    }

    /** The shared mapper; thread-safe, do not reconfigure. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new CodecException("cannot write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes {@code value} to {@code out} as {@link #write} would make it (the same bytes), without
     * an array of its own: for a signature's form. {@code out} is not closed.
     */
    public static void writeTo(OutputStream out, JsonNode value) {
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            TREE_WRITER.writeValue(g, value);
        } catch (IOException e) {
            throw new CodecException("cannot write a JSON tree: " + e.getMessage(), e);
        }
    }

    public static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new CodecException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Turns any value into a JSON tree (for job arguments and results). */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Turns a JSON tree into {@code type} (a job function's parameter, say). */
    public static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new CodecException("cannot read " + node + " as " + type.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Formats an instant the seed's way, UTC with microseconds (on every message: kept cheap). */
    public static String formatTime(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        if (t.getYear() < 1000 || t.getYear() > 9999) {
            return SEED_TIME.format(t);
        }
        char[] c = new char[26];
        digits(c, 0, t.getYear(), 4);
        c[4] = '-';
        digits(c, 5, t.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, t.getDayOfMonth(), 2);
        c[10] = ' ';
        digits(c, 11, t.getHour(), 2);
        c[13] = ':';
        digits(c, 14, t.getMinute(), 2);
        c[16] = ':';
        digits(c, 17, t.getSecond(), 2);
        c[19] = '.';
        digits(c, 20, t.getNano() / 1000, 6);
        return new String(c);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** Parses the seed's time format or ISO-8601. */
    public static Instant parseTime(String text) {
        if (text.length() == 26 && text.charAt(4) == '-' && text.charAt(10) == ' ' && text.charAt(19) == '.') {
            try {
                return LocalDateTime.of(num(text, 0, 4), num(text, 5, 2), num(text, 8, 2), num(text, 11, 2),
                        num(text, 14, 2), num(text, 17, 2), num(text, 20, 6) * 1000).toInstant(ZoneOffset.UTC);
            } catch (RuntimeException e) {
                // not quite the seed's format: let the full parser say what is wrong
            }
        }
        try {
            return LocalDateTime.parse(text, SEED_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException seedFailed) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new CodecException("not a time: '" + text + "'", e);
            }
        }
    }

    private static int num(String s, int from, int width) {
        int v = 0;
        for (int i = from; i < from + width; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                throw new NumberFormatException(s);
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    private static final class InstantWriter extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider sp) throws IOException {
            gen.writeString(formatTime(value));
        }
    }

    private static final class InstantReader extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            return parseTime(p.getValueAsString());
        }
    }
}
