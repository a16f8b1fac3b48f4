package org.seqzoo.train.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.seqzoo.train.Translator;
import org.seqzoo.train.bundle.ModelBundle;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code seqzoo translate BUNDLE [SENTENCE...]}: translates sentences from the arguments, a file
 * ({@code --input}) or standard input, greedy or with {@code --beam K}; prints one detokenised output per line,
 * or the n-best with scores; optionally an attention heat map of the first sentence.
 */
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate sentences (arguments, --input FILE, or stdin) with a model bundle.")
final class TranslateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "A model bundle (model.zip from train).")
    private Path bundleFile;

    @Parameters(index = "1..*", paramLabel = "SENTENCE", description = "Sentences to translate (else --input or stdin).")
    private List<String> sentences = new ArrayList<>();

    @Option(names = "--input", paramLabel = "FILE", description = "Read sentences from FILE, one per line (- for stdin).")
    private Path input;

    @Option(names = "--beam", defaultValue = "1", description = "Beam width (default ${DEFAULT-VALUE}: greedy).")
    private int beam;

    @Option(names = "--nbest", defaultValue = "1", description = "Print the N best candidates with scores (≤ beam).")
    private int nBest;

    @Option(names = "--max-length", defaultValue = "0", description = "Output token limit (default: 2 × source + 10).")
    private int maxLength;

    @Option(names = "--length-penalty", defaultValue = "0.6", description = "Beam length normalisation α "
            + "(default ${DEFAULT-VALUE}).")
    private double lengthPenalty;

    @Option(names = "--attention-png", paramLabel = "FILE", description = "Write the attention heat map of the first "
            + "sentence as PNG.")
    private Path attentionPng;

    @Override
    public Integer call() {
        Translator.DecodeSettings settings;
        try {
            settings = new Translator.DecodeSettings(beam, nBest, maxLength, lengthPenalty, 64);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        ModelBundle bundle = BundleArgument.load(bundleFile);
        List<String> lines = sentences.isEmpty() ? readInput() : sentences;
        List<Translator.Translation> translations = new Translator(bundle).translate(lines, settings);
        PrintWriter out = spec.commandLine().getOut();
        for (Translator.Translation t : translations) {
            if (nBest == 1) {
                out.println(t.best().text());
            } else {
                for (Translator.Candidate c : t.candidates()) {
                    out.printf(Locale.ROOT, "%.4f\t%.4f\t%s%n", c.score(), c.logProbability(), c.text());
                }
                out.println();
            }
        }
        out.flush();
        if (attentionPng != null && !translations.isEmpty()) {
            AttentionPictures.write(attentionPng, translations.get(0));
            spec.commandLine().getErr().println("wrote " + attentionPng);
        }
        return 0;
    }

    private List<String> readInput() {
        try {
            if (input == null || input.toString().equals("-")) {
                BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                return reader.lines().toList();
            }
            return Files.readAllLines(input, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError("--input " + input + ": no such file");
        } catch (IOException e) {
            throw new UserError("--input " + input + ": cannot read: " + e.getMessage(), e);
        }
    }
}
