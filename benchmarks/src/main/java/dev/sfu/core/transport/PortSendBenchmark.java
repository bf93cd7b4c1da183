package dev.sfu.core.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The media port's send path alone: one packet's fan-out of {@value #FAN_OUT} datagrams of
 * {@value #LENGTH} bytes to as many loopback sockets, sent the way the server sends them. Score:
 * ns per datagram.
 * <ul>
 *   <li>{@code jdk}: {@code DatagramSocket.send} per datagram, from one unconnected socket (the
 *       port on JDK sockets, and the server before native I/O);</li>
 *   <li>{@code sendmmsg}: the datagrams queued in a {@link SendBatch} and sent with one
 *       {@code sendmmsg} (the port with native I/O).</li>
 * </ul>
 * The receiving sockets are drained by no one, as in the forwarding benchmarks: once their
 * buffers are full the kernel drops at the receiver, so this measures the sender's side of
 * loopback. In a load test the receiver also reads, which costs the sender more (docs/performance.md).
 *
 * <p>Run (the launcher passes the foreign-linker flags to JMH's forks):
 * {@code ./sfu bench PortSend -f 1 -wi 3 -w 2 -i 5 -r 2 -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PortSendBenchmark {
    static final int FAN_OUT = 19;
    static final int LENGTH = 1200;

    @Param({"jdk", "sendmmsg"})
    public String io;

    private final DatagramChannel[] sinks = new DatagramChannel[FAN_OUT];
    private final InetSocketAddress[] to = new InetSocketAddress[FAN_OUT];
    private final byte[] datagram = new byte[LENGTH];
    private DatagramSocket jdk;
    private DatagramPacket packet;
    private NativeUdpSocket port;
    private SendBatch batch;
    private DropCounters drops;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int i = 0; i < FAN_OUT; i++) {
            sinks[i] = DatagramChannel.open();
            sinks[i].bind(new InetSocketAddress(loopback, 0));
            to[i] = (InetSocketAddress) sinks[i].getLocalAddress();
        }
        if (io.equals("jdk")) {
            jdk = new DatagramSocket(new InetSocketAddress(loopback, 0));
            packet = new DatagramPacket(datagram, LENGTH);
        } else {
            String why = NativePortIo.UNAVAILABLE;
            if (why != null) {
                throw new IllegalStateException("native I/O unavailable (" + why + "): run through ./sfu bench");
            }
            drops = new DropCounters();
            port = NativeUdpSocket.bind(new InetSocketAddress(loopback, 0), 1 << 20, drops);
            batch = new SendBatch();
        }
    }

    @Benchmark
    @OperationsPerInvocation(FAN_OUT)
    public void fanOut() throws IOException {
        if (jdk != null) {
            for (int i = 0; i < FAN_OUT; i++) {
                packet.setData(datagram, 0, LENGTH);
                packet.setSocketAddress(to[i]);
                jdk.send(packet);
            }
        } else {
            for (int i = 0; i < FAN_OUT; i++) {
                batch.add(port, datagram, 0, LENGTH, to[i]);
            }
            batch.flush();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (drops != null && drops.total() > 0) {
            throw new IllegalStateException("sends failed: " + drops);
        }
        for (DatagramChannel s : sinks) {
            s.close();
        }
        if (jdk != null) {
            jdk.close();
        }
        if (port != null) {
            port.release();
        }
    }
}
