package org.seqzoo.train.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.seqzoo.train.Translator;
import org.seqzoo.train.plots.AttentionHeatmap;

/** Writes the attention heat map of a translation's best candidate (output tokens × source tokens). */
final class AttentionPictures {

    private AttentionPictures() {
    }

    static void write(Path png, Translator.Translation translation) {
        Translator.Candidate best = translation.best();
        float[][] weights = best.attention().orElseThrow(() -> new UserError(
                "--attention-png: this model has no attention (its spec has attention NONE)"));
        List<String> sourceTokens = translation.sourceTokens();
        List<String> outputTokens = new java.util.ArrayList<>(best.tokens());
        if (best.finished()) {
            outputTokens.add("</s>");
        }
        int rows = Math.min(outputTokens.size(), weights.length);
        float[][] cropped = new float[rows][sourceTokens.size()];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(weights[r], 0, cropped[r], 0, sourceTokens.size());
        }
        try {
            AttentionHeatmap.write(png, sourceTokens, outputTokens.subList(0, rows), cropped,
                    "attention: " + translation.source());
        } catch (IOException e) {
            throw new UserError("cannot write " + png + ": " + e.getMessage(), e);
        }
    }
}
