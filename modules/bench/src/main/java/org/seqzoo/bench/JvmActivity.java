package org.seqzoo.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * The JVM's own work that competes with a benchmark for the cores: milliseconds its JIT compilers and garbage
 * collectors have reported so far. On 2 cores a C2 compilation (100–350 ms for seqzoo's recurrent loops, measured
 * with JFR) takes one core from a pass that uses both; PyTorch's native code has nothing to compile.
 */
interface JvmActivity {

    /** Milliseconds of JIT compilation finished so far (all compiler threads). */
    long compilationMs();

    /** Milliseconds the garbage collectors reported so far (pauses; for a concurrent collector, its cycles). */
    long collectionMs();

    /** This JVM's figures, from its management beans. */
    static JvmActivity current() {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        return new JvmActivity() {
            @Override
            public long compilationMs() {
                return compiler != null && compiler.isCompilationTimeMonitoringSupported()
                        ? compiler.getTotalCompilationTime() : 0;
            }

            @Override
            public long collectionMs() {
                long total = 0;
                for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                    total += Math.max(0, collector.getCollectionTime());
                }
                return total;
            }
        };
    }
}
