package dev.sfu.rtp.ffi;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryLayout;
import jdk.incubator.foreign.SymbolLookup;

/**
 * Method handles for C functions through the JDK 17 foreign linker, described by their Java
 * carrier types: {@code int} is a C int, {@code long} a C long or a pointer (its raw address).
 * Passing pointers as {@code long} is exact on the LP64 Linux targets these classes run on, and
 * it keeps the linker from wrapping every call in {@code MemoryAddress} conversions: with them,
 * C2 sometimes gave up inlining a call's handle chain and the call fell back to the linker's
 * generic path, which allocates (seen as a flaky {@code SrtpSessionAllocationTest}).
 * Used by the classes that call the C library and OpenSSL directly ({@code NativeUdpSocket},
 * {@code NativeGcmCipher}), only from the static initialisers that {@link Linkage} loads.
 */
public final class Downcalls {
    private Downcalls() {
    }

    /**
     * A handle for {@code name} in {@code lookup} returning {@code ret} ({@code void.class} for
     * none); {@link UnsupportedOperationException} when the symbol is missing.
     */
    public static MethodHandle of(SymbolLookup lookup, String name, Class<?> ret, Class<?>... args) {
        var symbol = lookup.lookup(name)
                .orElseThrow(() -> new UnsupportedOperationException("no " + name + " in the library"));
        MemoryLayout[] layouts = new MemoryLayout[args.length];
        for (int i = 0; i < args.length; i++) {
            layouts[i] = layout(args[i]);
        }
        FunctionDescriptor fd = ret == void.class ? FunctionDescriptor.ofVoid(layouts)
                : FunctionDescriptor.of(layout(ret), layouts);
        return CLinker.getInstance().downcallHandle(symbol, MethodType.methodType(ret, args), fd);
    }

    private static MemoryLayout layout(Class<?> c) {
        if (c == int.class) {
            return CLinker.C_INT;
        }
        if (c == long.class) {
            return CLinker.C_LONG;
        }
        throw new IllegalArgumentException("no C type for " + c);
    }
}
