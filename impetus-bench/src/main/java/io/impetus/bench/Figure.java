package io.impetus.bench;

import java.util.ArrayList;
import java.util.List;

/** One measured figure: its samples for raw and for Impetus over the repeats. */
final class Figure {
    final String name;
    final String unit;
    final boolean higherIsBetter;
    final List<Double> raw = new ArrayList<>();
    final List<Double> impetus = new ArrayList<>();

    Figure(String name, String unit, boolean higherIsBetter) {
        this.name = name;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
    }

    double ratio() {
        return raw.isEmpty() ? Double.NaN : Stats.median(impetus) / Stats.median(raw);
    }

    String cell(List<Double> values) {
        if (values.isEmpty()) {
            return "—";
        }
        String median = format(Stats.median(values));
        if (values.size() == 1) {
            return median + unit;
        }
        return median + unit + " [" + format(Stats.min(values)) + "–" + format(Stats.max(values)) + "]";
    }

    private static String format(double v) {
        return v >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
    }

    /** {@code throughput  raw 3281/s  impetus 2900/s  ratio 0.88} */
    String line() {
        return String.format("%-44s raw %-22s impetus %-22s %s", name, cell(raw), cell(impetus),
                raw.isEmpty() ? "" : String.format("ratio %.2f", ratio()));
    }

    String markdownRow() {
        return "| " + name + " | " + cell(raw) + " | " + cell(impetus) + " | "
                + (raw.isEmpty() ? "" : String.format("%.2f", ratio())) + " |";
    }
}
