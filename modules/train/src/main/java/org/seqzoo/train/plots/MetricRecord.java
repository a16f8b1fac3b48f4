package org.seqzoo.train.plots;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One logged measurement: the training step, the split ({@code "train"} or {@code "valid"}) and metric values
 * by name ({@code "loss"}, {@code "perplexity"}, {@code "bleu"} ...) in the order given. The names
 * {@code "step"} and {@code "split"} are reserved (they are the record's own fields in a metrics log).
 */
public record MetricRecord(long step, String split, Map<String, Double> values) {

    public MetricRecord {
        if (split == null || split.isBlank()) {
            throw new IllegalArgumentException("a metric record needs a split name (\"train\", \"valid\"); got " + split);
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (name == null || name.isBlank() || name.equals("step") || name.equals("split")) {
                throw new IllegalArgumentException("metric name must be non-blank and not step or split; got " + name);
            }
            copy.put(name, Objects.requireNonNull(value, () -> "metric " + name + " has no value"));
        });
        values = Collections.unmodifiableMap(copy);
    }
}
