package org.seqzoo.examples;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code ./seqzoo example NAME [ARGS]}: runs one of the examples by name (each is also a plain main class).
 */
public final class ExampleLauncher {

    private static final Map<String, Consumer<String[]>> EXAMPLES = new LinkedHashMap<>();

    static {
        EXAMPLES.put("dates", DateNormalizationExample::main);
        EXAMPLES.put("translation", TranslationExample::main);
        EXAMPLES.put("bottleneck", BottleneckExperiment::main);
        EXAMPLES.put("builders", BuildersInYourOwnProject::main);
    }

    private ExampleLauncher() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !EXAMPLES.containsKey(args[0])) {
            System.err.println("usage: ./seqzoo example NAME [ARGS]; examples: " + String.join(", ", EXAMPLES.keySet()));
            System.exit(2);
        }
        EXAMPLES.get(args[0]).accept(Arrays.copyOfRange(args, 1, args.length));
    }
}
