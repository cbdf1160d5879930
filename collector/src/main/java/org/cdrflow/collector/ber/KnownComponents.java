package org.cdrflow.collector.ber;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which context-tagged components of each SET and SEQUENCE cdrflow's ASN.1 declares, read from the
 * module file itself ({@code ChargingDataTypes.asn}, the same file the codecs are generated from),
 * and the rewriting of a record without the others.
 *
 * <p>TS 32.298 records are extensible: switches add components of newer releases and their own, and
 * cdrflow's modules declare only the subset it maps. The generated decoders reject a component they
 * do not know, so a record is first walked and, only if it holds such components, copied without
 * them (in definite lengths). Components of types cdrflow does not look into (CHOICEs, SET OFs like
 * recordExtensions, primitives) are copied as they are.
 */
final class KnownComponents {

  private static final String MODULE = "ChargingDataTypes.asn";

  /** A SET or SEQUENCE: its components by context tag number. */
  static final class Shape {
    final String name;
    final Map<Integer, Component> components = new HashMap<>();

    /**
     * {@link #components} by tag number, as an array: looked up for every component of every
     * record, where a boxed map lookup cost more than the rest of the walk.
     */
    private Component[] byTag = new Component[0];

    Shape(String name) {
      this.name = name;
    }

    Component component(int tagNumber) {
      return tagNumber >= 0 && tagNumber < byTag.length ? byTag[tagNumber] : null;
    }

    private void index() {
      int max = components.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
      byTag = new Component[max + 1];
      components.forEach((tag, c) -> byTag[tag] = c);
    }
  }

  /**
   * A component: {@code shape} null when it is copied as it is; {@code listOf} when it is a
   * SEQUENCE OF elements of {@code shape}.
   */
  record Component(String typeName, boolean listOf, Shape shape) {}

  private static final Pattern BLOCK =
      Pattern.compile("([A-Za-z][\\w-]*)\\s*::=\\s*(SET|SEQUENCE|CHOICE)\\s*\\{([^}]*)\\}");
  private static final Pattern COMPONENT =
      Pattern.compile(
          "([a-zA-Z][\\w-]*)\\s+\\[(\\d+)\\]\\s+((?:SEQUENCE|SET) OF\\s+)?([A-Za-z][\\w-]*)");

  private final Map<Integer, Shape> records = new HashMap<>();

  private KnownComponents(String asn1) {
    String text = asn1.replaceAll("--[^\\n]*", "");
    Map<String, String> bodies = new HashMap<>();
    Map<String, Shape> shapes = new HashMap<>();
    Matcher m = BLOCK.matcher(text);
    String choice = null;
    while (m.find()) {
      bodies.put(m.group(1), m.group(3));
      if (m.group(2).equals("CHOICE")) {
        if (m.group(1).equals("CallEventRecord")) {
          choice = m.group(3);
        }
      } else {
        shapes.put(m.group(1), new Shape(m.group(1)));
      }
    }
    for (Shape shape : shapes.values()) {
      Matcher c = COMPONENT.matcher(bodies.get(shape.name));
      while (c.find()) {
        shape.components.put(
            Integer.parseInt(c.group(2)),
            new Component(c.group(4), c.group(3) != null, shapes.get(c.group(4))));
      }
    }
    shapes.values().forEach(Shape::index);
    if (choice == null) {
      throw new IllegalStateException(MODULE + " defines no CallEventRecord");
    }
    Matcher c = COMPONENT.matcher(choice);
    while (c.find()) {
      records.put(Integer.parseInt(c.group(2)), shapes.get(c.group(4)));
    }
  }

  private static final KnownComponents INSTANCE = load();

  static KnownComponents get() {
    return INSTANCE;
  }

  private static KnownComponents load() {
    try (InputStream in = KnownComponents.class.getResourceAsStream(MODULE)) {
      if (in == null) {
        throw new IllegalStateException(MODULE + " is not on the classpath");
      }
      return new KnownComponents(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The record's SET by its CallEventRecord tag number, or null if cdrflow does not collect it. */
  Shape record(int tagNumber) {
    return records.get(tagNumber);
  }

  /**
   * The record at {@code [offset, end)} (one TLV, already delimited) as the generated decoder can
   * read it: the same bytes when every component is known, otherwise a copy without the unknown
   * ones.
   */
  byte[] stripUnknown(byte[] b, int offset, int end, Shape shape) throws BerFramingException {
    if (!hasUnknown(b, offset, end, shape)) {
      return offset == 0 && end == b.length ? b : java.util.Arrays.copyOfRange(b, offset, end);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(end - offset);
    rewrite(b, offset, end, shape, new BerTlv(), out);
    return out.toByteArray();
  }

  /**
   * Whether the record at {@code [offset, end)} holds a component cdrflow does not declare, at any
   * depth it looks into.
   */
  boolean hasUnknown(byte[] b, int offset, int end, Shape shape) throws BerFramingException {
    // One walker a call: the instance is shared by every decoder of the JVM.
    return hasUnknown(b, offset, end, shape, new BerTlv());
  }

  private boolean hasUnknown(byte[] b, int offset, int end, Shape shape, BerTlv tlv)
      throws BerFramingException {
    tlv.read(b, offset, end);
    int p = tlv.contentStart;
    int stop = tlv.contentLength >= 0 ? tlv.end : tlv.end - 2;
    while (p < stop) {
      tlv.read(b, p, stop);
      int next = tlv.end;
      Component c = tlv.tagClass == 2 ? shape.component(tlv.tagNumber) : null;
      if (c == null) {
        return true;
      }
      if (c.shape != null && tlv.constructed) {
        if (c.listOf) {
          int q = tlv.contentStart;
          int listStop = tlv.contentLength >= 0 ? tlv.end : tlv.end - 2;
          while (q < listStop) {
            tlv.read(b, q, listStop);
            int after = tlv.end;
            if (hasUnknown(b, q, after, c.shape, tlv)) {
              return true;
            }
            q = after;
          }
        } else if (hasUnknown(b, p, next, c.shape, tlv)) {
          return true;
        }
      }
      p = next;
    }
    return false;
  }

  private void rewrite(
      byte[] b, int offset, int end, Shape shape, BerTlv tlv, ByteArrayOutputStream out)
      throws BerFramingException {
    tlv.read(b, offset, end);
    int headerTag = offset;
    int tagEnd = tagEnd(b, offset);
    int p = tlv.contentStart;
    int stop = tlv.contentLength >= 0 ? tlv.end : tlv.end - 2;
    ByteArrayOutputStream content = new ByteArrayOutputStream(stop - p);
    while (p < stop) {
      tlv.read(b, p, stop);
      int next = tlv.end;
      Component c = tlv.tagClass == 2 ? shape.component(tlv.tagNumber) : null;
      if (c == null) {
        p = next; // unknown: left out
        continue;
      }
      if (c.shape != null && tlv.constructed) {
        if (c.listOf) {
          int childTagEnd = tagEnd(b, p);
          ByteArrayOutputStream list = new ByteArrayOutputStream(next - p);
          int q = tlv.contentStart;
          int listStop = tlv.contentLength >= 0 ? tlv.end : tlv.end - 2;
          while (q < listStop) {
            tlv.read(b, q, listStop);
            int after = tlv.end;
            rewrite(b, q, after, c.shape, tlv, list);
            q = after;
          }
          content.write(b, p, childTagEnd - p);
          writeLength(content, list.size());
          content.writeBytes(list.toByteArray());
        } else {
          rewrite(b, p, next, c.shape, tlv, content);
        }
      } else {
        content.write(b, p, next - p);
      }
      p = next;
    }
    out.write(b, headerTag, tagEnd - headerTag);
    writeLength(out, content.size());
    out.writeBytes(content.toByteArray());
  }

  private static int tagEnd(byte[] b, int offset) {
    int p = offset + 1;
    if ((b[offset] & 0x1F) == 0x1F) {
      while ((b[p] & 0x80) != 0) {
        p++;
      }
      p++;
    }
    return p;
  }

  private static void writeLength(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else if (length < 0x10000) {
      out.write(0x82);
      out.write(length >> 8);
      out.write(length);
    } else if (length < 0x1000000) {
      out.write(0x83);
      out.write(length >> 16);
      out.write(length >> 8);
      out.write(length);
    } else {
      out.write(0x84);
      out.write(length >> 24);
      out.write(length >> 16);
      out.write(length >> 8);
      out.write(length);
    }
  }
}
