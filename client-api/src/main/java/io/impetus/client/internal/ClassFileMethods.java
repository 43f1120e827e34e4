package io.impetus.client.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the names of a class's methods in the order its class file lists them, which is the
 * order of the source for javac. Java reflection gives no order; stages need one.
 */
public final class ClassFileMethods {
    private ClassFileMethods() {
    }

    /** Method names of {@code type} in class-file order (constructors included). */
    public static List<String> inOrder(Class<?> type) throws IOException {
        String simple = type.getName().substring(type.getName().lastIndexOf('.') + 1);
        try (InputStream in = type.getResourceAsStream(simple + ".class")) {
            if (in == null) {
                throw new IOException("no class file for " + type.getName());
            }
            return parse(in.readAllBytes());
        }
    }

    static List<String> parse(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++;
                }
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                case 15 -> in.skipNBytes(3);
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        in.skipNBytes(6); // access flags, this class, super class
        in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
        skipMembers(in, null, utf8); // fields
        List<String> methods = new ArrayList<>();
        skipMembers(in, methods, utf8);
        return methods;
    }

    private static void skipMembers(DataInputStream in, List<String> names, String[] utf8) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.skipNBytes(2);
            int name = in.readUnsignedShort();
            in.skipNBytes(2);
            if (names != null) {
                names.add(utf8[name]);
            }
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                in.skipNBytes(2);
                in.skipNBytes(in.readInt() & 0xFFFFFFFFL);
            }
        }
    }
}
