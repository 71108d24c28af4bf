import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the TensorFlow .proto files that TF Serving's service definitions import, printed from the
 * descriptors compiled into TF Java's jar (tensorflow-core-native), so that protoc sees exactly the
 * files, packages and java options TF Java was built from, and the serving code it generates refers to
 * TF Java's classes ({@code org.tensorflow.proto.TensorProto}, ...) instead of a second copy.
 * Run by scripts/tf-import-protos; its output is committed under src/main/proto.
 */
public final class TfImportProtos {
  private static final String[] ROOTS = {"org.tensorflow.proto.MetaGraphProtos", "org.tensorflow.proto.TensorProtos",
      "org.tensorflow.proto.ExampleProtos", "org.tensorflow.proto.error.dummy.ErrorCodes"};

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    String version = args[1];
    Map<String, FileDescriptor> files = new LinkedHashMap<>();
    for (String root : ROOTS) {
      collect((FileDescriptor) Class.forName(root).getMethod("getDescriptor").invoke(null), files);
    }
    for (FileDescriptor f : files.values()) {
      if (f.getName().startsWith("google/protobuf/")) {
        continue; // protoc's own well-known types
      }
      Path p = out.resolve(f.getName());
      Files.createDirectories(p.getParent());
      Files.writeString(p, print(f, version));
      System.out.println(p);
    }
  }

  private static void collect(FileDescriptor f, Map<String, FileDescriptor> files) {
    if (files.containsKey(f.getName())) {
      return;
    }
    for (FileDescriptor d : f.getDependencies()) {
      collect(d, files);
    }
    files.put(f.getName(), f);
  }

  static String print(FileDescriptor f, String version) {
    StringBuilder b = new StringBuilder();
    b.append("// Copyright The TensorFlow Authors. Licensed under the Apache License, Version 2.0\n")
        .append("// (http://www.apache.org/licenses/LICENSE-2.0).\n//\n")
        .append("// Printed by scripts/tf-import-protos from the descriptor compiled into TF Java ").append(version)
        .append("\n// (tensorflow-core-native): names, numbers and java options as TF Java built them; the\n")
        .append("// comments of TensorFlow's source are not in a descriptor. Only imported, never generated.\n\n");
    String syntax = f.toProto().getSyntax();
    b.append("syntax = \"").append(syntax.isEmpty() ? "proto2" : syntax).append("\";\n\n");
    b.append("package ").append(f.getPackage()).append(";\n\n");
    List<FileDescriptor> pub = f.getPublicDependencies();
    for (FileDescriptor d : f.getDependencies()) {
      b.append("import ").append(pub.contains(d) ? "public " : "").append('"').append(d.getName()).append("\";\n");
    }
    var o = f.getOptions();
    b.append('\n');
    if (o.hasJavaPackage()) {
      b.append("option java_package = \"").append(o.getJavaPackage()).append("\";\n");
    }
    if (o.hasJavaOuterClassname()) {
      b.append("option java_outer_classname = \"").append(o.getJavaOuterClassname()).append("\";\n");
    }
    if (o.hasJavaMultipleFiles()) {
      b.append("option java_multiple_files = ").append(o.getJavaMultipleFiles()).append(";\n");
    }
    for (EnumDescriptor e : f.getEnumTypes()) {
      b.append('\n');
      printEnum(b, e, "");
    }
    for (Descriptor m : f.getMessageTypes()) {
      b.append('\n');
      printMessage(b, m, "");
    }
    return b.toString();
  }

  private static void printEnum(StringBuilder b, EnumDescriptor e, String indent) {
    b.append(indent).append("enum ").append(e.getName()).append(" {\n");
    if (e.getOptions().getAllowAlias()) {
      b.append(indent).append("  option allow_alias = true;\n");
    }
    for (EnumValueDescriptor v : e.getValues()) {
      b.append(indent).append("  ").append(v.getName()).append(" = ").append(v.getNumber())
          .append(v.getOptions().getDeprecated() ? " [deprecated = true]" : "").append(";\n");
    }
    for (var r : e.toProto().getReservedRangeList()) {
      b.append(indent).append("  reserved ").append(r.getStart())
          .append(r.getEnd() == r.getStart() ? "" : " to " + r.getEnd()).append(";\n");
    }
    b.append(indent).append("}\n");
  }

  private static void printMessage(StringBuilder b, Descriptor m, String indent) {
    String in = indent + "  ";
    b.append(indent).append("message ").append(m.getName()).append(" {\n");
    for (EnumDescriptor e : m.getEnumTypes()) {
      printEnum(b, e, in);
    }
    for (Descriptor n : m.getNestedTypes()) {
      if (!n.getOptions().getMapEntry()) {
        printMessage(b, n, in);
      }
    }
    List<OneofDescriptor> printed = new ArrayList<>();
    for (FieldDescriptor fd : m.getFields()) {
      OneofDescriptor oneof = fd.getContainingOneof();
      boolean synthetic = oneof != null && fd.toProto().getProto3Optional();
      if (oneof != null && !synthetic) {
        if (!printed.contains(oneof)) {
          printed.add(oneof);
          b.append(in).append("oneof ").append(oneof.getName()).append(" {\n");
          for (FieldDescriptor member : oneof.getFields()) {
            b.append(in).append("  ").append(field(member, false)).append(";\n");
          }
          b.append(in).append("}\n");
        }
        continue;
      }
      b.append(in).append(field(fd, synthetic)).append(";\n");
    }
    for (var r : m.toProto().getReservedRangeList()) {
      b.append(in).append("reserved ").append(r.getStart())
          .append(r.getEnd() - 1 == r.getStart() ? "" : " to " + (r.getEnd() - 1)).append(";\n");
    }
    for (String r : m.toProto().getReservedNameList()) {
      b.append(in).append("reserved \"").append(r).append("\";\n");
    }
    b.append(indent).append("}\n");
  }

  private static String field(FieldDescriptor fd, boolean proto3Optional) {
    StringBuilder s = new StringBuilder();
    if (fd.isMapField()) {
      Descriptor entry = fd.getMessageType();
      s.append("map<").append(type(entry.findFieldByNumber(1))).append(", ").append(type(entry.findFieldByNumber(2)))
          .append("> ");
    } else {
      FieldDescriptorProto p = fd.toProto();
      if (fd.isRepeated()) {
        s.append("repeated ");
      } else if (proto3Optional) {
        s.append("optional ");
      } else if (p.getLabel() == FieldDescriptorProto.Label.LABEL_REQUIRED) {
        s.append("required ");
      } else if (fd.getFile().toProto().getSyntax().equals("proto2") || fd.getFile().toProto().getSyntax().isEmpty()) {
        s.append("optional ");
      }
      s.append(type(fd)).append(' ');
    }
    s.append(fd.getName()).append(" = ").append(fd.getNumber());
    List<String> opts = new ArrayList<>();
    if (fd.getOptions().hasPacked()) {
      opts.add("packed = " + fd.getOptions().getPacked());
    }
    if (fd.getOptions().getDeprecated()) {
      opts.add("deprecated = true");
    }
    if (!opts.isEmpty()) {
      s.append(" [").append(String.join(", ", opts)).append(']');
    }
    return s.toString();
  }

  private static String type(FieldDescriptor fd) {
    return switch (fd.getType()) {
      case MESSAGE, GROUP -> "." + fd.getMessageType().getFullName();
      case ENUM -> "." + fd.getEnumType().getFullName();
      default -> fd.getType().name().toLowerCase();
    };
  }
}
