package dev.sfu.core.transport;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.concurrent.locks.StampedLock;
import dev.sfu.rtp.ffi.Downcalls;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;

/**
 * A Linux UDP socket driven through the C library with the JDK 17 foreign linker
 * ({@code jdk.incubator.foreign}): {@code sendmmsg(2)} sends a media thread's whole fan-out in
 * one system call, {@code recvmmsg(2)} reads bursts, and nothing on either path allocates.
 *
 * <p>Why: on the server's packet path the JDK's {@code DatagramSocket.send} costs one system
 * call, a copy into a temporary direct buffer and two locks per datagram. Measured on the 2-core
 * VM with 19 loopback receivers ({@code docs/performance.md}): 5.4 us of sender CPU per
 * datagram with the JDK socket, 3.8-4.2 us with one {@code sendmmsg} per 19 datagrams.
 *
 * <p>Only the media port ({@link NativePortIo}) uses this, and only when {@link #unavailableReason()} is null:
 * the JVM must run with {@code --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED}
 * (the {@code ./sfu} launcher and the test runner pass both) on Linux x86-64 or arm64. Otherwise
 * the port keeps using JDK sockets, with the same behaviour and the old cost.
 *
 * <p>Ownership: the reader thread owns the receive memory ({@link NativeReceiver}); each media
 * thread owns its {@link SendBatch} (in its {@link SendContext}); immediate sends from other threads share one scratch area
 * under its lock. Every use of the descriptor holds the read side of a lock whose write side
 * {@link #close()} takes, so a descriptor number is never used after it is closed (and reused by
 * another file).
 */
final class NativeUdpSocket implements AutoCloseable {
    // Linux constants, the same on x86-64 and arm64 (addresses: Sockaddr; message layouts: MmsgLayout).
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVTIMEO = 20;
    private static final int SHUT_RDWR = 2;
    private static final int MSG_WAITFORONE = 0x10000;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;

    /** How long a blocked receive waits before it looks at {@link #close()} again. */
    private static final long RECEIVE_TIMEOUT_MICROS = 250_000;
    private static final int SCRATCH_BYTES = 65_536;

    /** The C functions; their class fails to initialise where the linker is not usable. */
    static final class Calls {
        static final MethodHandle SOCKET;
        static final MethodHandle SETSOCKOPT;
        static final MethodHandle BIND;
        static final MethodHandle GETSOCKNAME;
        static final MethodHandle SENDTO;
        static final MethodHandle SENDMMSG;
        static final MethodHandle RECVMMSG;
        static final MethodHandle SHUTDOWN;
        static final MethodHandle CLOSE;
        static final MethodHandle ERRNO_LOCATION;

        static {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            String arch = System.getProperty("os.arch", "");
            if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("aarch64"))) {
                throw new UnsupportedOperationException("native UDP needs Linux on x86-64 or arm64, not "
                        + os + "/" + arch);
            }
            SymbolLookup libc = CLinker.systemLookup();
            Class<?> a = long.class; // a pointer, as its address (see Downcalls)
            SOCKET = Downcalls.of(libc, "socket", int.class, int.class, int.class, int.class);
            SETSOCKOPT = Downcalls.of(libc, "setsockopt", int.class, int.class, int.class, int.class, a, int.class);
            BIND = Downcalls.of(libc, "bind", int.class, int.class, a, int.class);
            GETSOCKNAME = Downcalls.of(libc, "getsockname", int.class, int.class, a, a);
            SENDTO = Downcalls.of(libc, "sendto", long.class, int.class, a, long.class, int.class, a, int.class);
            SENDMMSG = Downcalls.of(libc, "sendmmsg", int.class, int.class, a, int.class, int.class);
            RECVMMSG = Downcalls.of(libc, "recvmmsg", int.class, int.class, a, int.class, int.class, a);
            SHUTDOWN = Downcalls.of(libc, "shutdown", int.class, int.class, int.class);
            CLOSE = Downcalls.of(libc, "close", int.class, int.class);
            ERRNO_LOCATION = Downcalls.of(libc, "__errno_location", a);
        }

        private Calls() {
        }
    }

    private final int family;
    private final InetSocketAddress local;
    private final DropCounters drops;
    private final StampedLock lock = new StampedLock();
    /** Guarded by {@link #lock}: -1 once closed. */
    private int fd;
    private volatile boolean closed;
    /** Immediate sends (threads without a {@link SendBatch}), guarded by itself. */
    private final Scratch scratch;

    private NativeUdpSocket(int fd, int family, InetSocketAddress local, DropCounters drops) {
        this.fd = fd;
        this.family = family;
        this.local = local;
        this.drops = drops;
        this.scratch = new Scratch();
    }

    /**
     * Binds a UDP socket on {@code at} (an IPv4 address gets an IPv4 socket, an IPv6 one an IPv6
     * socket) with the given receive buffer.
     */
    static NativeUdpSocket bind(InetSocketAddress at, int receiveBufferBytes, DropCounters drops) throws IOException {
        if (at.isUnresolved()) {
            throw new IOException("cannot bind to an unresolved address: " + at);
        }
        int family = at.getAddress() instanceof Inet6Address ? Sockaddr.AF_INET6 : Sockaddr.AF_INET;
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment tmp = MemorySegment.allocateNative(64, 8, scope);
            ByteBuffer v = tmp.asByteBuffer().order(ByteOrder.nativeOrder());
            long at0 = tmp.address().toRawLongValue();
            int fd = (int) Calls.SOCKET.invokeExact(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("cannot open a UDP socket: " + errnoText(errno()));
            }
            boolean ok = false;
            try {
                v.putInt(0, receiveBufferBytes);
                // A smaller buffer than asked for is not an error (net.core.rmem_max caps it).
                int ignored = (int) Calls.SETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_RCVBUF, at0, 4);
                v.putInt(0, 1 << 20);
                ignored = (int) Calls.SETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_SNDBUF, at0, 4);
                v.putLong(0, RECEIVE_TIMEOUT_MICROS / 1_000_000);
                v.putLong(8, RECEIVE_TIMEOUT_MICROS % 1_000_000);
                if ((int) Calls.SETSOCKOPT.invokeExact(fd, SOL_SOCKET, SO_RCVTIMEO, at0, 16) != 0) {
                    throw new IOException("cannot set a receive timeout: " + errnoText(errno()));
                }
                int len = Sockaddr.encode(v, 0, family, at.getAddress(), at.getPort());
                if ((int) Calls.BIND.invokeExact(fd, at0, len) != 0) {
                    int e = errno();
                    throw new BindException("cannot bind UDP " + at + ": " + errnoText(e));
                }
                v.putInt(Sockaddr.SOCKADDR, Sockaddr.SOCKADDR);
                if ((int) Calls.GETSOCKNAME.invokeExact(fd, at0, at0 + Sockaddr.SOCKADDR) != 0) {
                    throw new IOException("cannot read the bound address: " + errnoText(errno()));
                }
                InetSocketAddress bound = Sockaddr.decode(v, 0);
                ok = true;
                return new NativeUdpSocket(fd, family, bound != null ? bound : at, drops);
            } finally {
                if (!ok) {
                    int ignored = (int) Calls.CLOSE.invokeExact(fd);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    InetSocketAddress localAddress() {
        return local;
    }

    int family() {
        return family;
    }

    /** Sends one datagram now (threads without a batch: ICE, DTLS, timers). */
    void sendNow(byte[] buf, int off, int len, InetSocketAddress to) throws IOException {
        if (len > SCRATCH_BYTES) {
            throw new IOException("datagram of " + len + " bytes is too large");
        }
        Scratch s = scratch;
        synchronized (s) {
            int nameLen = s.names.encode(s.view, 0, family, to);
            if (nameLen < 0) {
                throw new IOException("cannot send to " + to + " from a socket of family " + family);
            }
            s.view.put(Sockaddr.SOCKADDR, buf, off, len);
            long stamp = lock.readLock();
            long r;
            try {
                if (fd < 0) {
                    throw new IOException("socket closed");
                }
                r = (long) Calls.SENDTO.invokeExact(fd, s.data, (long) len, 0, s.name, nameLen);
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            } finally {
                lock.unlockRead(stamp);
            }
            if (r < 0) {
                throw new IOException("sendto " + to + " failed: " + errnoText(errno()));
            }
        }
    }

    /**
     * Sends {@code n} prepared messages of a batch, starting at {@code headers[0]}: one
     * {@code sendmmsg} per call, resuming after a message the kernel refused. Refused messages
     * (and all of them once closed) are counted as {@link DropReason#SEND_FAILED}.
     */
    void sendBatch(long[] headers, int n) {
        long stamp = lock.readLock();
        try {
            if (fd < 0) {
                drops.add(DropReason.SEND_FAILED, n);
                return;
            }
            int i = 0;
            while (i < n) {
                int r = (int) Calls.SENDMMSG.invokeExact(fd, headers[i], n - i, 0);
                if (r > 0) {
                    i += r;
                } else {
                    // The message at i failed; sendmmsg(2) reports only that, so skip it.
                    drops.increment(DropReason.SEND_FAILED);
                    i++;
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Receives up to {@link NativeReceiver#slots} datagrams, waiting for the first one at most
     * {@value #RECEIVE_TIMEOUT_MICROS} us. Returns how many, 0 on timeout or interruption, -1
     * once closed. The reader thread only: {@link #close()} wakes it.
     */
    int receive(NativeReceiver rx) {
        if (closed) {
            return -1;
        }
        rx.prepare();
        int fdNow;
        long stamp = lock.readLock();
        try {
            fdNow = fd;
        } finally {
            lock.unlockRead(stamp);
        }
        if (fdNow < 0) {
            return -1;
        }
        // Not under the lock: close() shuts the socket down first, which ends this call, and
        // waits for the reader before it releases the descriptor.
        int r;
        try {
            r = (int) Calls.RECVMMSG.invokeExact(fdNow, rx.headers, rx.slots, MSG_WAITFORONE, 0L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (r >= 0) {
            return closed ? -1 : r;
        }
        if (closed) {
            return -1;
        }
        int e = errno();
        if (e != EAGAIN && e != EINTR) {
            throw new IllegalStateException("recvmmsg failed: " + errnoText(e));
        }
        return 0;
    }

    /**
     * Shuts the socket down (which wakes a blocked reader); the descriptor itself is released by
     * {@link #release()} once the reader has left.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long stamp = lock.readLock();
        try {
            if (fd >= 0) {
                int ignored = (int) Calls.SHUTDOWN.invokeExact(fd, SHUT_RDWR);
            }
        } catch (Throwable t) {
            // nothing more to do: release() still closes the descriptor
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Closes the descriptor; every later send counts as failed. */
    void release() {
        close();
        long stamp = lock.writeLock();
        try {
            if (fd >= 0) {
                int ignored = (int) Calls.CLOSE.invokeExact(fd);
                fd = -1;
            }
        } catch (Throwable t) {
            fd = -1;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    // ---- memory ----

    /** One thread's immediate-send area: a sockaddr and a datagram. */
    private static final class Scratch {
        final MemorySegment memory = MemorySegment.allocateNative(Sockaddr.SOCKADDR + SCRATCH_BYTES, 16,
                ResourceScope.newImplicitScope());
        final ByteBuffer view = memory.asByteBuffer().order(ByteOrder.nativeOrder());
        final long name = memory.address().toRawLongValue();
        final long data = name + Sockaddr.SOCKADDR;
        final DestinationNames names = new DestinationNames();
    }

    // ---- errno ----

    private static int errno() {
        try {
            long at = (long) Calls.ERRNO_LOCATION.invokeExact();
            return MemoryAddress.ofLong(at).asSegment(4, ResourceScope.globalScope()).asByteBuffer().order(ByteOrder.nativeOrder())
                    .getInt(0);
        } catch (Throwable t) {
            return 0;
        }
    }

    private static String errnoText(int errno) {
        return switch (errno) {
            case 0 -> "unknown error";
            case 1 -> "operation not permitted (EPERM)";
            case 13 -> "permission denied (EACCES)";
            case 22 -> "invalid argument (EINVAL)";
            case 24 -> "too many open files (EMFILE)";
            case 97 -> "address family not supported (EAFNOSUPPORT)";
            case 98 -> "address already in use (EADDRINUSE)";
            case 99 -> "address not available on this machine (EADDRNOTAVAIL)";
            case 101 -> "network unreachable (ENETUNREACH)";
            case 105 -> "no buffer space (ENOBUFS)";
            default -> "errno " + errno;
        };
    }
}
