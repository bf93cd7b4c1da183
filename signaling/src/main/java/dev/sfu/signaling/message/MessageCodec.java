package dev.sfu.signaling.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.annotation.JsonTypeName;

import java.util.HashMap;
import java.util.Map;

/**
 * JSON reading and writing of {@link Message}s. Reading is strict: duplicate keys
 * ({@code STRICT_DUPLICATE_DETECTION}) and trailing content are errors, {@code type} must name a
 * known message, fields must have the right JSON types (no coercion of numbers to strings).
 * Unknown fields are ignored so that clients may add their own (documented).
 */
public final class MessageCodec {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();
    private static final Map<String, Class<?>> TYPES = new HashMap<>();

    static {
        // A number or boolean where a string is expected is a client bug, not something to convert.
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float,
            CoercionInputShape.Boolean}) {
            MAPPER.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
        for (Class<?> c : Message.class.getPermittedSubclasses()) {
            TYPES.put(c.getAnnotation(JsonTypeName.class).value(), c);
        }
    }

    private MessageCodec() {
    }

    /** The known type names, e.g. "join", "offer". */
    public static java.util.Set<String> typeNames() {
        return java.util.Collections.unmodifiableSet(TYPES.keySet());
    }

    /** Reads and validates one client message; throws with the error code and sentence to send back. */
    public static Message decode(String json) throws SignalingException {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SignalingException(ErrorCode.BAD_JSON, "The frame is not valid JSON: " + e.getOriginalMessage() + ".");
        }
        if (node == null || !node.isObject()) {
            throw new SignalingException(ErrorCode.BAD_JSON, "The frame must be a JSON object with a 'type' field.");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new SignalingException(ErrorCode.UNKNOWN_TYPE, "The message has no 'type' string; known types are "
                    + new java.util.TreeSet<>(TYPES.keySet()) + ".");
        }
        if (!TYPES.containsKey(type.asText())) {
            throw new SignalingException(ErrorCode.UNKNOWN_TYPE, "The type '" + abbreviate(type.asText())
                    + "' is not a message type; known types are " + new java.util.TreeSet<>(TYPES.keySet()) + ".");
        }
        Message m;
        try {
            m = MAPPER.treeToValue(node, Message.class);
        } catch (JsonMappingException e) {
            String field = e.getPath().isEmpty() ? "?" : String.valueOf(e.getPath().get(e.getPath().size() - 1).getFieldName());
            throw new SignalingException(ErrorCode.INVALID_FIELD, "The field '" + field + "' has the wrong JSON type.");
        } catch (JsonProcessingException e) {
            throw new SignalingException(ErrorCode.BAD_JSON, "The frame could not be read: " + e.getOriginalMessage() + ".");
        }
        m.validate();
        return m;
    }

    /** Writes a message as JSON with its type first. */
    public static String encode(Message m) {
        try {
            return MAPPER.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + m.getClass().getSimpleName(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
