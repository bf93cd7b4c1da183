package dev.sfu.signaling.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, written for tests: it fails on anything
 * the format does not allow or that we promise not to write (a sample before its TYPE, a
 * family's samples split apart, a second HELP or TYPE, a bad escape).
 */
final class PrometheusParser {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, String help, List<Sample> samples) {
    }

    private PrometheusParser() {
    }

    static Map<String, Family> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the exposition must end with a line feed");
        }
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> help = new HashMap<>();
        Set<String> closed = new HashSet<>();
        String current = null;
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            String where = "line " + n + ": " + line;
            if (line.startsWith("# HELP ")) {
                String[] p = line.substring(7).split(" ", 2);
                check(NAME.matcher(p[0]).matches(), "bad metric name", where);
                check(!help.containsKey(p[0]), "second HELP", where);
                check(p.length == 2 && !p[1].isEmpty(), "empty HELP", where);
                checkHelpEscapes(p[1], where);
                help.put(p[0], p[1]);
            } else if (line.startsWith("# TYPE ")) {
                String[] p = line.substring(7).split(" ");
                check(p.length == 2 && NAME.matcher(p[0]).matches() && TYPES.contains(p[1]), "bad TYPE", where);
                check(!families.containsKey(p[0]), "second TYPE", where);
                check(help.containsKey(p[0]), "TYPE without HELP before it", where);
                if (current != null) {
                    closed.add(current);
                }
                current = p[0];
                families.put(p[0], new Family(p[0], p[1], help.get(p[0]), new ArrayList<>()));
            } else if (line.startsWith("#")) {
                throw new AssertionError("unexpected comment: " + where);
            } else {
                check(!line.isBlank(), "blank line", where);
                Sample s = sample(line, where);
                check(!closed.contains(s.name()), "samples of one family are split apart", where);
                check(s.name().equals(current), "sample outside its family (no TYPE before it)", where);
                families.get(current).samples().add(s);
            }
        }
        return families;
    }

    private static Sample sample(String line, String where) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        check(NAME.matcher(name).matches(), "bad sample name", where);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                check(LABEL.matcher(label).matches(), "bad label name '" + label + "'", where);
                check(line.charAt(eq + 1) == '"', "label value not quoted", where);
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char e = line.charAt(j + 1);
                        switch (e) {
                            case '\\' -> v.append('\\');
                            case '"' -> v.append('"');
                            case 'n' -> v.append('\n');
                            default -> throw new AssertionError("bad escape \\" + e + " in " + where);
                        }
                        j += 2;
                    } else {
                        v.append(c);
                        j++;
                    }
                }
                check(labels.put(label, v.toString()) == null, "duplicate label", where);
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        check(i < line.length() && line.charAt(i) == ' ', "no space before the value", where);
        String[] rest = line.substring(i + 1).split(" ");
        check(rest.length <= 2, "trailing text", where);
        double value = switch (rest[0]) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(rest[0]);
        };
        return new Sample(name, labels, value);
    }

    private static void checkHelpEscapes(String help, String where) {
        for (int i = 0; i < help.length(); i++) {
            if (help.charAt(i) == '\\') {
                char e = help.charAt(i + 1);
                check(e == '\\' || e == 'n', "bad escape in HELP", where);
                i++;
            }
        }
    }

    private static void check(boolean ok, String what, String where) {
        if (!ok) {
            throw new AssertionError(what + " (" + where + ")");
        }
    }
}
