package mn.esra.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Structured process data travels as JSON text in String variables (no Java-serialized objects).
 * Expressions reach these functions as {@code ${json.list(stages)}}: a multi-instance loop over the
 * items of a JSON array, each item handed to the loop as its own JSON text (a string stays a string).
 */
@Component("json")
public class JsonFunctions {
  private final ObjectMapper mapper = new ObjectMapper();

  /** The items of a JSON array: objects and arrays as JSON text, strings as themselves. */
  public List<String> list(String jsonArray) throws JsonProcessingException {
    JsonNode array = mapper.readTree(jsonArray == null || jsonArray.isBlank() ? "[]" : jsonArray);
    if (!array.isArray()) {
      throw new IllegalArgumentException("expected a JSON array, got " + array.getNodeType());
    }
    List<String> items = new ArrayList<>();
    for (JsonNode item : array) {
      items.add(item.isTextual() ? item.asText() : mapper.writeValueAsString(item));
    }
    return items;
  }

  /** A field of a JSON object as text ("" when absent), for gateways and candidate groups. */
  public String field(String jsonObject, String name) throws JsonProcessingException {
    JsonNode value = mapper.readTree(jsonObject == null || jsonObject.isBlank() ? "{}" : jsonObject).get(name);
    if (value == null || value.isNull()) {
      return "";
    }
    return value.isTextual() ? value.asText() : mapper.writeValueAsString(value);
  }

  /** A JSON object of one to three fields; a value that is JSON text of an array or object is embedded as such. */
  public String object(String key, Object value) throws JsonProcessingException {
    return objectOf(new Object[] {key, value});
  }

  public String object(String k1, Object v1, String k2, Object v2) throws JsonProcessingException {
    return objectOf(new Object[] {k1, v1, k2, v2});
  }

  public String object(String k1, Object v1, String k2, Object v2, String k3, Object v3)
      throws JsonProcessingException {
    return objectOf(new Object[] {k1, v1, k2, v2, k3, v3});
  }

  private String objectOf(Object[] pairs) throws JsonProcessingException {
    ObjectNode object = mapper.createObjectNode();
    for (int i = 0; i < pairs.length; i += 2) {
      object.set(String.valueOf(pairs[i]), nodeOf(pairs[i + 1]));
    }
    return mapper.writeValueAsString(object);
  }

  private JsonNode nodeOf(Object value) {
    if (value instanceof String text) {
      String trimmed = text.trim();
      if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
        try {
          return mapper.readTree(trimmed);
        } catch (JsonProcessingException notJson) {
          return TextNode.valueOf(text);
        }
      }
      return TextNode.valueOf(text);
    }
    return mapper.valueToTree(value);
  }

  /** The number of items of a JSON array (0 for none). */
  public int size(String jsonArray) throws JsonProcessingException {
    return list(jsonArray).size();
  }
}
