package dev.sfu.bench.loadtest;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** PNG plots with XChart: bitrate and latency over a run, and a room-size sweep. */
public final class PlotWriter {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private PlotWriter() {
    }

    /** Received Mbps (left axis) and p50/p99 latency per second (right axis) over time. */
    public static void writeTimeline(RunReport r, String title, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(1000).height(500).title(title).xAxisTitle("time (s)").build();
        style(chart);
        chart.setYAxisGroupTitle(0, "Mbps received (all participants)");
        chart.setYAxisGroupTitle(1, "one-way latency (ms)");
        List<Double> t = new ArrayList<>();
        List<Double> in = new ArrayList<>();
        List<Double> outMbps = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (RunReport.Sample s : r.timeline()) {
            t.add(s.t());
            in.add(s.mbpsIn());
            outMbps.add(s.mbpsOut());
            p50.add(s.p50Ms());
            p99.add(s.p99Ms());
        }
        if (t.isEmpty()) {
            t.add(0.0);
            in.add(0.0);
            outMbps.add(0.0);
            p50.add(0.0);
            p99.add(0.0);
        }
        line(chart, "Mbps received", t, in, 0);
        line(chart, "Mbps sent", t, outMbps, 0);
        line(chart, "p50 latency ms", t, p50, 1);
        line(chart, "p99 latency ms", t, p99, 1);
        save(chart, file);
    }

    /** Loss and p99 latency against room size. */
    public static void writeSweep(List<Integer> sizes, List<RunReport> reports, String title, Path file)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(1000).height(500).title(title)
                .xAxisTitle("publishers in the room (each receives all others)").build();
        style(chart);
        chart.setYAxisGroupTitle(0, "loss %");
        chart.setYAxisGroupTitle(1, "one-way latency (ms)");
        List<Double> x = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            RunReport r = reports.get(i);
            x.add((double) sizes.get(i));
            loss.add(r.total().lossPercent());
            p50.add(r.total().latency().p50());
            p99.add(r.total().latency().p99());
        }
        XYSeries l = chart.addSeries("loss %", x, loss);
        l.setMarker(SeriesMarkers.CIRCLE);
        l.setYAxisGroup(0);
        XYSeries a = chart.addSeries("p50 latency ms", x, p50);
        a.setMarker(SeriesMarkers.DIAMOND);
        a.setYAxisGroup(1);
        XYSeries b = chart.addSeries("p99 latency ms", x, p99);
        b.setMarker(SeriesMarkers.SQUARE);
        b.setYAxisGroup(1);
        save(chart, file);
    }

    private static void style(XYChart chart) {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    }

    private static void line(XYChart chart, String name, List<Double> x, List<Double> y, int axis) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setYAxisGroup(axis);
    }

    private static void save(XYChart chart, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
