/**
 * seqzoo-data: from a text corpus of (source, target) pairs to masked seq2seq {@code MultiDataSet} batches,
 * streaming, following the "Data conventions" of DESIGN.md.
 *
 * <ul>
 *   <li>{@link org.seqzoo.data.corpus}: reading pair corpora (TSV or parallel files) through a DataVec
 *       {@code RecordReader}, strict UTF-8, errors naming file and line.</li>
 *   <li>{@link org.seqzoo.data.text}: normalisation and tokenizers (characters, words, your own).</li>
 *   <li>{@link org.seqzoo.data.vocab}: vocabularies with the fixed specials {@code <pad> <unk> <s> </s>}.</li>
 *   <li>{@link org.seqzoo.data.pipeline}: text pairs to token pairs (split, tokenising, length filter).</li>
 *   <li>{@link org.seqzoo.data.batch}: the batch iterator (shuffle buffer, length buckets, prefetch).</li>
 *   <li>{@link org.seqzoo.data.tasks}: synthetic sanity tasks written as TSV corpora.</li>
 * </ul>
 * This package holds what they share: the error type for bad files, the skip policy and its report.
 */
package org.seqzoo.data;
