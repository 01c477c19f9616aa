package dev.ticketing.loadtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ticketing.loadtest.RunChecker.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import javax.xml.parsers.DocumentBuilderFactory;

/**
 * The run's pictures from a made-up run whose figures are known: four fans, three admitted, three confirmed orders.
 * The SVGs must parse as XML and carry exactly those figures.
 */
class RunChartsTest {

    static final long T0 = 1_800_000_000_000L; // the arrival window's start

    /**
     * Fans A..D enter at +0.1 s, +0.5 s, +1.2 s and +2.5 s; A is admitted at +1.0 s, B at +3.1 s, C at +3.2 s, D never.
     * Three orders are confirmed: 2 seats at +4.5 s, 1 at +4.9 s, 2 at +5.1 s. Holds take 1..100 ms.
     */
    static RunCharts.Input run() {
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        samples.put("enter", List.of(new Sample(40, 201, T0 + 100), new Sample(60, 201, T0 + 500),
                new Sample(80, 201, T0 + 1200), new Sample(120, 201, T0 + 2500)));
        samples.put("queueWait", List.of(new Sample(900, 200, T0 + 100), new Sample(2600, 200, T0 + 500),
                new Sample(2000, 200, T0 + 1200)));
        samples.put("seats", List.of(new Sample(30, 200, -1))); // an older samples file: no start time
        samples.put("hold", LongStream.rangeClosed(1, 100).mapToObj(ms -> new Sample(ms, 201, T0 + 3300)).toList());
        samples.put("orderToConfirmed", List.of(new Sample(12_345, 200, T0 + 3500)));
        List<RunCharts.Sale> sales = List.of(new RunCharts.Sale(T0 + 4500, 2), new RunCharts.Sale(T0 + 4900, 1),
                new RunCharts.Sale(T0 + 5100, 2));
        return new RunCharts.Input("On-sale test", T0, 5, T0 + 2000, samples, sales);
    }

    @Test
    void countsEveryEventInItsSecond() {
        RunCharts.Timeline t = RunCharts.timeline(run()).orElseThrow();
        assertEquals(0, t.from());
        assertArrayEquals(new int[]{2, 1, 1, 0, 0, 0}, t.perSecond().get("arrived"));
        assertArrayEquals(new int[]{0, 1, 0, 2, 0, 0}, t.perSecond().get("admitted"));
        assertArrayEquals(new int[]{0, 0, 0, 0, 3, 2}, t.perSecond().get("seatsSold"));
        assertArrayEquals(new int[]{0, 0, 0, 0, 2, 1}, t.perSecond().get("ordersConfirmed"));
        assertArrayEquals(new int[]{0, 0, 0, 0, 3, 5}, t.cumulative("seatsSold"));
    }

    @Test
    void writesBothPicturesWithTheRunsFigures(@TempDir Path dir) throws Exception {
        List<Path> written = RunCharts.write(dir, run());
        assertEquals(List.of(dir.resolve("timeline.svg"), dir.resolve("latency.svg")), written);

        Document timeline = parse(dir.resolve("timeline.svg"));
        assertEquals("svg", timeline.getDocumentElement().getTagName());
        assertEquals("0 1 0 2 0 0", series(timeline, "per-second", "admitted").getAttribute("data-values"));
        assertEquals("2 1 1 0 0 0", series(timeline, "per-second", "arrived").getAttribute("data-values"));
        assertEquals("2 3 4 4 4 4", series(timeline, "cumulative", "arrived").getAttribute("data-values"));
        assertEquals("0 1 1 3 3 3", series(timeline, "cumulative", "admitted").getAttribute("data-values"));
        assertEquals("0 0 0 0 3 5", series(timeline, "cumulative", "seatsSold").getAttribute("data-values"));
        assertEquals("0 0 0 0 2 3", series(timeline, "cumulative", "ordersConfirmed").getAttribute("data-values"));
        // a line per series in each panel, the legend, the axis label and the window's markers
        assertEquals(8, timeline.getElementsByTagName("polyline").getLength());
        List<String> texts = texts(timeline);
        for (String label : RunCharts.SERIES.values()) {
            assertTrue(texts.contains(label), "legend: " + label);
        }
        assertTrue(texts.contains("seconds since the arrival window's start"), texts.toString());
        assertTrue(texts.contains("arrival window ends"), texts.toString());
        assertTrue(texts.contains("room opens"), texts.toString());

        Document latency = parse(dir.resolve("latency.svg"));
        assertEquals("2.60 s", bar(latency, "queueWait", "p99").getTextContent().strip());
        assertEquals("2000", bar(latency, "queueWait", "p50").getAttribute("data-ms"));
        assertEquals("50 ms", bar(latency, "hold", "p50").getTextContent().strip());
        assertEquals("95 ms", bar(latency, "hold", "p95").getTextContent().strip());
        assertEquals("99 ms", bar(latency, "hold", "p99").getTextContent().strip());
        assertEquals("12.3 s", bar(latency, "orderToConfirmed", "p99").getTextContent().strip());
        assertEquals("30 ms", bar(latency, "seats", "p95").getTextContent().strip());
        List<String> steps = texts(latency);
        assertTrue(steps.containsAll(List.of("enter", "queueWait", "seats", "hold", "orderToConfirmed", "n = 100")),
                steps.toString());
        assertFalse(steps.contains("order"), "a step without samples has no row: " + steps);
    }

    @Test
    void nothingTimedNoTimeline(@TempDir Path dir) throws Exception {
        Map<String, List<Sample>> untimed = Map.of("hold", List.of(new Sample(10, 201, -1)));
        RunCharts.Input in = new RunCharts.Input("On-sale test", 0, 5, 0, untimed, List.of());
        assertEquals(List.of(dir.resolve("latency.svg")), RunCharts.write(dir, in));
    }

    @Test
    void linksTheNewestGatlingReportAndTheJmeterDashboard(@TempDir Path target) throws Exception {
        long runStart = System.currentTimeMillis() - 60_000;
        report(target.resolve("gatling/onsalesimulation-20261101000000000/index.html"), runStart - 3_600_000);
        Path newest = report(target.resolve("gatling/onsalesimulation-20261206000000000/index.html"), runStart + 30_000);
        Path dashboard = report(target.resolve("jmeter/reports/on-sale/index.html"), runStart + 40_000);
        assertEquals(Map.of("Gatling report", newest, "JMeter dashboard", dashboard),
                RunCharts.toolReports(target, runStart));
        // reports older than the run are another run's: not linked
        assertEquals(Map.of(), RunCharts.toolReports(target, runStart + 3_600_000));
    }

    @Test
    void readsStartTimesFromTheSamplesFileAndTheJtl(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("run-samples.csv"),
                "enter,40,201,1800000000100\nqueueWait,900,200,1800000000100\nhold,12,409\n");
        Map<String, List<Sample>> samples = RunChecker.readSamplesCsv(csv);
        assertEquals(List.of(new Sample(40, 201, T0 + 100)), samples.get("enter"));
        assertEquals(List.of(new Sample(900, 200, T0 + 100)), samples.get("queueWait"));
        assertEquals(List.of(new Sample(12, 409, -1)), samples.get("hold"), "an older file: no start time");

        Path jtl = Files.writeString(dir.resolve("on-sale.csv"), """
                timeStamp,elapsed,label,responseCode,responseMessage,threadName,success
                1800000000500,60,enter,201,Created,fans 1-1,true
                1800000000500,2600,queueWait,200,"admitted, token received",fans 1-1,true
                1800000000400,5,setup sale,200,OK,setUp 1-1,true
                """);
        Map<String, List<Sample>> jmeter = RunChecker.readJtl(jtl);
        assertEquals(List.of(new Sample(60, 201, T0 + 500)), jmeter.get("enter"));
        assertEquals(List.of(new Sample(2600, 200, T0 + 500)), jmeter.get("queueWait"));
        assertEquals(List.of("enter", "queueWait"), List.copyOf(jmeter.keySet()));
    }

    static Path report(Path file, long modified) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "<html></html>");
        Files.setLastModifiedTime(file, FileTime.fromMillis(modified));
        return file;
    }

    static Document parse(Path svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(svg.toFile());
    }

    static Element series(Document d, String panel, String name) {
        for (Element p : elements(d, "g")) {
            if (panel.equals(p.getAttribute("data-panel"))) {
                for (Element s : elements(p.getElementsByTagName("g"))) {
                    if (name.equals(s.getAttribute("data-series"))) {
                        return s;
                    }
                }
            }
        }
        throw new AssertionError("no series " + name + " in panel " + panel);
    }

    static Element bar(Document d, String step, String pct) {
        return elements(d, "g").stream()
                .filter(g -> step.equals(g.getAttribute("data-step")) && pct.equals(g.getAttribute("data-pct")))
                .findFirst().orElseThrow(() -> new AssertionError("no bar " + step + " " + pct));
    }

    static List<String> texts(Document d) {
        return elements(d, "text").stream().map(e -> e.getTextContent().strip()).toList();
    }

    static List<Element> elements(Document d, String tag) {
        return elements(d.getElementsByTagName(tag));
    }

    static List<Element> elements(NodeList nodes) {
        return IntStream.range(0, nodes.getLength()).mapToObj(i -> (Element) nodes.item(i)).toList();
    }
}
