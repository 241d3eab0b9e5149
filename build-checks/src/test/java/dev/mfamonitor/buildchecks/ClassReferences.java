package dev.mfamonitor.buildchecks;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classes one class file refers to, read from its constant pool: every class constant, and every class named in a
 * descriptor or generic signature (fields, methods, lambdas, annotations). String literals are not references, so
 * a message that mentions a package name is not one.
 */
final class ClassReferences {
    private static final Pattern IN_DESCRIPTOR = Pattern.compile("L([A-Za-z0-9_$/]+)[;<]");

    private ClassReferences() {
    }

    /** Internal names ({@code dev/mfamonitor/core/ExitCode}) of the classes the class file refers to. */
    static Set<String> of(Path classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(classFile)));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException(classFile + " is not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classNames = new ArrayList<>();
        Set<Integer> literals = new HashSet<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classNames.add(in.readUnsignedShort());
                case 8 -> literals.add(in.readUnsignedShort());
                case 16, 19, 20 -> in.readUnsignedShort();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException(classFile + ": unknown constant pool tag " + tag + " at " + i);
            }
        }
        Set<String> references = new TreeSet<>();
        for (int index : classNames) {
            String name = utf8[index];
            if (name.startsWith("[")) {
                descriptorTypes(name, references);
            } else {
                references.add(name);
            }
        }
        for (int i = 1; i < count; i++) {
            if (utf8[i] != null && !literals.contains(i)) {
                descriptorTypes(utf8[i], references);
            }
        }
        return references;
    }

    private static void descriptorTypes(String text, Set<String> into) {
        Matcher m = IN_DESCRIPTOR.matcher(text);
        while (m.find()) {
            into.add(m.group(1));
        }
    }
}
