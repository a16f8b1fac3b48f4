package org.seqzoo.models.seq2seq;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.ReverseTimeSeriesVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;
import org.seqzoo.models.cpu.ParallelAdam;
import org.seqzoo.models.rnn.GRU;
import org.seqzoo.models.rnn.GatedRecurrentLayer;
import org.seqzoo.models.rnn.LSTM;
import org.seqzoo.models.rnn.SoftmaxOutputLayer;

/**
 * Turns a {@link Seq2SeqSpec} into an ordinary DL4J {@code ComputationGraph} (works with DL4J's listeners,
 * {@code ModelSerializer}, early stopping and evaluation). Vertex names are fixed (constants below), so code
 * that decodes step by step ({@link Seq2SeqDecoder}) finds the parts again.
 *
 * <p>Shape of the graph: {@value #SOURCE} → embedding → [reversal] → encoder layers → {@value #SUMMARY}
 * ({@code C}, {@link FinalStateVertex}); {@value #TARGET} → embedding → decoder by bridge/attention
 * ({@link RecurrentDecoderVertex}, {@link BahdanauDecoderVertex}, {@link LuongAttentionVertex}, or DL4J layers
 * fed {@code [E y_{t-1}; C]}) → {@value #FEATURES} → {@value #OUTPUT} (softmax over the target vocabulary).
 */
public final class Seq2SeqGraphs {

    /** Input: source token ids {@code [B, 1, Ts]}. */
    public static final String SOURCE = "source";
    /** Input: decoder input ids {@code <s> y_1 … y_n} {@code [B, 1, Tt]}. */
    public static final String TARGET = "target";
    public static final String SOURCE_EMBEDDING = "sourceEmbedding";
    public static final String TARGET_EMBEDDING = "targetEmbedding";
    public static final String REVERSED_SOURCE = "reversedSource";
    /** Prefix of encoder layers {@code encoder1 …}. */
    public static final String ENCODER = "encoder";
    /** The encoder's summary {@code C} {@code [B, Hc]}. */
    public static final String SUMMARY = "summary";
    /** {@code C} repeated over target steps (CONTEXT_EVERY_STEP). */
    public static final String CONTEXT_STEPS = "contextSteps";
    public static final String DECODER_INPUT = "decoderInput";
    /** Prefix of decoder layers/vertices {@code decoder1 …}. */
    public static final String DECODER = "decoder";
    public static final String ATTENTION = "attention";
    /** What the output layer reads. */
    public static final String FEATURES = "features";
    /** Output: {@code P(y_t)} {@code [B, V, Tt]}. */
    public static final String OUTPUT = "output";

    private Seq2SeqGraphs() {
    }

    /** An initialised graph for {@code spec}. */
    public static ComputationGraph graph(Seq2SeqSpec spec) {
        ComputationGraph graph = new ComputationGraph(configuration(spec));
        graph.init();
        return graph;
    }

    /** Name of encoder layer {@code i} (1-based). */
    public static String encoderLayer(int i) {
        return ENCODER + i;
    }

    /** Name of decoder layer or vertex {@code i} (1-based). */
    public static String decoderLayer(int i) {
        return DECODER + i;
    }

    /** The graph configuration for {@code spec}. */
    public static ComputationGraphConfiguration configuration(Seq2SeqSpec spec) {
        Adam adam = spec.learningRateDecay() < 1
                ? new ParallelAdam(new StepSchedule(ScheduleType.ITERATION, spec.learningRate(),
                        spec.learningRateDecay(), spec.decaySteps()))
                : new ParallelAdam(spec.learningRate());
        NeuralNetConfiguration.Builder global = new NeuralNetConfiguration.Builder().seed(spec.seed())
                .updater(adam).weightInit(WeightInit.XAVIER);
        if (spec.gradientClip() > 0) {
            global.gradientNormalization(GradientNormalization.ClipL2PerLayer)
                    .gradientNormalizationThreshold(spec.gradientClip());
        }
        ComputationGraphConfiguration.GraphBuilder g = global.graphBuilder().addInputs(SOURCE, TARGET);
        int e = spec.embeddingSize();
        int h = spec.hiddenSize();
        int he = spec.encoderOutputSize();

        if (spec.sharedEmbeddings()) {
            g.addVertex(SOURCE_EMBEDDING, SharedEmbeddingVertex.owner(spec.sourceVocabSize(), e), SOURCE);
            g.addVertex(TARGET_EMBEDDING, SharedEmbeddingVertex.tiedTo(SOURCE_EMBEDDING, spec.targetVocabSize(), e),
                    TARGET, SOURCE_EMBEDDING);
        } else {
            g.addLayer(SOURCE_EMBEDDING, embedding(spec.sourceVocabSize(), e), SOURCE);
            g.addLayer(TARGET_EMBEDDING, embedding(spec.targetVocabSize(), e), TARGET);
        }
        String below = SOURCE_EMBEDDING;
        if (spec.reverseSource()) {
            g.addVertex(REVERSED_SOURCE, new ReverseTimeSeriesVertex(SOURCE), below);
            below = REVERSED_SOURCE;
        }
        for (int i = 1; i <= spec.encoderLayers(); i++) {
            Layer layer = recurrent(spec, h);
            if (spec.bidirectionalEncoder()) {
                layer = new Bidirectional(Bidirectional.Mode.CONCAT, layer);
            }
            g.addLayer(encoderLayer(i), layer, below);
            below = encoderLayer(i);
        }
        String encoderTop = below;
        g.addVertex(SUMMARY, new FinalStateVertex(spec.bidirectionalEncoder()), encoderTop);

        String features = switch (spec.attention()) {
            case NONE -> spec.bridge() == Seq2SeqSpec.Bridge.CONTEXT_EVERY_STEP ? contextEveryStep(g, spec)
                    : initialState(g, spec, e, he);
            case BAHDANAU -> {
                g.addVertex(decoderLayer(1), new BahdanauDecoderVertex(cell(spec, e, h), he, spec.attentionSize(), he),
                        TARGET_EMBEDDING, encoderTop, SUMMARY);
                g.addVertex(FEATURES, new FeatureConcatVertex(), decoderLayer(1), TARGET_EMBEDDING);
                yield FEATURES;
            }
            case LUONG_DOT, LUONG_GENERAL -> {
                String decoderTop = initialState(g, spec, e, he);
                g.addVertex(ATTENTION, new LuongAttentionVertex(spec.attention() == Seq2SeqSpec.Attention.LUONG_DOT
                        ? LuongAttentionVertex.Score.DOT : LuongAttentionVertex.Score.GENERAL, h, he), decoderTop,
                        encoderTop);
                yield ATTENTION;
            }
        };

        SoftmaxOutputLayer.Builder output = new SoftmaxOutputLayer.Builder().sparseLabels(spec.sparseLabels())
                .nOut(spec.targetVocabSize()).dataFormat(RNNFormat.NCW);
        if (spec.dropout() > 0) {
            output.dropOut(1 - spec.dropout());
        }
        g.addLayer(OUTPUT, output.build(), features);
        g.setOutputs(OUTPUT);
        g.setInputTypes(InputType.recurrent(spec.sourceVocabSize()), InputType.recurrent(spec.targetVocabSize()));
        return g.build();
    }

    /** CONTEXT_EVERY_STEP: decoder layers read {@code [E y_{t-1}; C]}; the output reads {@code [s_t; E y_{t-1}; C]}. */
    private static String contextEveryStep(ComputationGraphConfiguration.GraphBuilder g, Seq2SeqSpec spec) {
        g.addVertex(CONTEXT_STEPS, new DuplicateToTimeSeriesVertex(TARGET), SUMMARY);
        g.addVertex(DECODER_INPUT, new FeatureConcatVertex(), TARGET_EMBEDDING, CONTEXT_STEPS);
        String below = DECODER_INPUT;
        for (int i = 1; i <= spec.decoderLayers(); i++) {
            g.addLayer(decoderLayer(i), recurrent(spec, spec.hiddenSize()), below);
            below = decoderLayer(i);
        }
        g.addVertex(FEATURES, new FeatureConcatVertex(), below, TARGET_EMBEDDING, CONTEXT_STEPS);
        return FEATURES;
    }

    /** INITIAL_STATE: the first decoder layer starts from {@code C}; deeper layers from zero. Returns the top. */
    private static String initialState(ComputationGraphConfiguration.GraphBuilder g, Seq2SeqSpec spec, int e, int he) {
        int h = spec.hiddenSize();
        g.addVertex(decoderLayer(1), new RecurrentDecoderVertex(cell(spec, e, h), he, he != h), TARGET_EMBEDDING,
                SUMMARY);
        String below = decoderLayer(1);
        for (int i = 2; i <= spec.decoderLayers(); i++) {
            g.addLayer(decoderLayer(i), recurrent(spec, h), below);
            below = decoderLayer(i);
        }
        return below;
    }

    private static EmbeddingSequenceLayer embedding(int vocabulary, int size) {
        return new EmbeddingSequenceLayer.Builder().nIn(vocabulary).nOut(size).build();
    }

    /** A seqzoo cell configuration for decoder vertices. */
    private static GatedRecurrentLayer cell(Seq2SeqSpec spec, int nIn, int nOut) {
        GatedRecurrentLayer.Builder<?> b = switch (spec.cell()) {
            case LSTM -> new LSTM.Builder();
            case GRU -> new GRU.Builder().resetAfter(true);
            case GRU_RESET_BEFORE -> new GRU.Builder().resetAfter(false);
            default -> throw new IllegalStateException(spec.cell() + " cannot be a decoder vertex's cell");
        };
        return b.nIn(nIn).nOut(nOut).weightInit(WeightInit.XAVIER).build();
    }

    /** A recurrent layer of the spec's cell, {@code nIn} set by the graph's input types. */
    private static Layer recurrent(Seq2SeqSpec spec, int nOut) {
        BaseRecurrentLayer.Builder<?> b = switch (spec.cell()) {
            case LSTM -> new LSTM.Builder();
            case GRU -> new GRU.Builder().resetAfter(true);
            case GRU_RESET_BEFORE -> new GRU.Builder().resetAfter(false);
            case DL4J_LSTM -> new org.deeplearning4j.nn.conf.layers.LSTM.Builder().activation(Activation.TANH);
            case SIMPLE_RNN -> new SimpleRnn.Builder().activation(Activation.TANH);
        };
        b.nOut(nOut).dataFormat(RNNFormat.NCW);
        if (spec.dropout() > 0) {
            b.dropOut(1 - spec.dropout());
        }
        return b.build();
    }
}
