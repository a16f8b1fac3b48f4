package org.seqzoo.models.cpu;

import java.util.Locale;
import java.util.Optional;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU threads ND4J uses, set once so that recurrent training is fast without the user thinking about
 * threads. ND4J has two pools: its own OpenMP threads for element-wise ops ({@code ops}) and OpenBLAS's
 * threads for matrix products ({@code blas}). By default both start at one per core, which on few cores
 * oversubscribes: small element-wise ops (a recurrent step's gates are ~16k numbers) pay a thread hand-off
 * each, and the two pools compete for the same cores.
 *
 * <p>The default applied by {@link #applyDefaults()} (called when a seqzoo layer or kernel is
 * created): {@code ops = 1}, {@code blas = 1}. See README.md, "Performance", for the measurements behind it.
 *
 * <p>Overrides, first match wins: the system property {@value #PROPERTY} or the environment variable
 * {@value #ENV}, either {@code "OPS,BLAS"} (e.g. {@code "1,2"}), a single number for both, or {@code "off"}
 * to leave ND4J's own settings alone; an explicit {@code OMP_NUM_THREADS} (which ND4J itself reads) also
 * leaves ND4J alone. {@link #set} changes them at any time.
 */
public final class Nd4jThreads {

    /** System property overriding the default: {@code "OPS,BLAS"}, {@code "N"} or {@code "off"}. */
    public static final String PROPERTY = "seqzoo.threads";
    /** Environment variable with the same meaning as {@link #PROPERTY}. */
    public static final String ENV = "SEQZOO_THREADS";

    /** Thread counts: ND4J's element-wise pool and OpenBLAS's. */
    public record Setting(int ops, int blas) {

        public Setting {
            if (ops < 1 || blas < 1) {
                throw new IllegalArgumentException("thread counts must be >= 1, got ops=" + ops + ", blas=" + blas);
            }
        }

        /** Parses {@code "OPS,BLAS"} or {@code "N"}. */
        public static Setting parse(String text) {
            String[] parts = text.trim().split("\\s*,\\s*");
            try {
                if (parts.length == 1) {
                    int n = Integer.parseInt(parts[0]);
                    return new Setting(n, n);
                }
                if (parts.length == 2) {
                    return new Setting(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("thread setting must be 'OPS,BLAS', 'N' or 'off', got '" + text + "'");
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "ops=%d blas=%d", ops, blas);
        }
    }

    /** What seqzoo applies when nothing overrides it. */
    public static final Setting DEFAULT = new Setting(1, 1);

    private static final Logger log = LoggerFactory.getLogger(Nd4jThreads.class);
    private static volatile boolean applied;

    private Nd4jThreads() {
    }

    /**
     * Applies the default or the user's override, once per JVM; later calls return at once.
     *
     * @throws IllegalArgumentException if {@value #PROPERTY} or {@value #ENV} is malformed
     */
    public static void applyDefaults() {
        if (applied) {
            return;
        }
        synchronized (Nd4jThreads.class) {
            if (applied) {
                return;
            }
            applied = true;
            Optional<Setting> setting = chosen(System.getProperty(PROPERTY), System.getenv(ENV),
                    System.getenv("OMP_NUM_THREADS"));
            if (setting.isPresent()) {
                set(setting.get());
                log.debug("ND4J threads: {}", setting.get());
            }
        }
    }

    /**
     * The setting to apply given the property, the environment variable and {@code OMP_NUM_THREADS} (each
     * possibly {@code null}), or empty to leave ND4J alone.
     */
    static Optional<Setting> chosen(String property, String env, String ompNumThreads) {
        String override = property != null ? property : env;
        if (override != null) {
            return "off".equalsIgnoreCase(override.trim()) ? Optional.empty() : Optional.of(Setting.parse(override));
        }
        return ompNumThreads != null ? Optional.empty() : Optional.of(DEFAULT);
    }

    /** Sets both pools now. */
    public static void set(Setting setting) {
        Nd4j.getEnvironment().setMaxMasterThreads(setting.ops());
        Nd4j.getEnvironment().setMaxThreads(setting.ops());
        Nd4j.factory().blas().setMaxThreads(setting.blas());
    }

    /** The current setting as ND4J reports it. */
    public static Setting current() {
        return new Setting(Nd4j.getEnvironment().maxThreads(), Nd4j.factory().blas().getMaxThreads());
    }
}
