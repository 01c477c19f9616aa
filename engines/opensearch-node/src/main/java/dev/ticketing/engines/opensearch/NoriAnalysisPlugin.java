package dev.ticketing.engines.opensearch;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.ko.KoreanAnalyzer;
import org.apache.lucene.analysis.ko.KoreanPartOfSpeechStopFilter;
import org.apache.lucene.analysis.ko.KoreanReadingFormFilter;
import org.apache.lucene.analysis.ko.KoreanTokenizer;
import org.apache.lucene.analysis.ko.POS;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;
import org.opensearch.index.analysis.AbstractTokenizerFactory;
import org.opensearch.index.analysis.AnalyzerProvider;
import org.opensearch.index.analysis.TokenFilterFactory;
import org.opensearch.index.analysis.TokenizerFactory;
import org.opensearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.opensearch.plugins.AnalysisPlugin;
import org.opensearch.plugins.Plugin;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Korean morphology for the embedded node. OpenSearch's analysis-nori plugin is not published on Maven Central, but
 * Lucene's nori analyzer is; this registers it under the names the official plugin uses ({@code nori} analyzer,
 * {@code nori_tokenizer}, {@code nori_part_of_speech}, {@code nori_readingform}) so index mappings are the same as
 * on a production cluster with the official plugin installed.
 */
public class NoriAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of("nori_tokenizer", NoriTokenizerFactory::new);
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of("nori_part_of_speech", PartOfSpeechFilterFactory::new,
                "nori_readingform", ReadingFormFilterFactory::new);
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of("nori", NoriAnalyzerProvider::new);
    }

    static KoreanTokenizer.DecompoundMode decompoundMode(Settings settings) {
        String mode = settings.get("decompound_mode", "discard");
        return KoreanTokenizer.DecompoundMode.valueOf(mode.toUpperCase(Locale.ROOT));
    }

    static Set<POS.Tag> stopTags(Settings settings) {
        List<String> tags = settings.getAsList("stoptags");
        if (tags.isEmpty()) {
            return KoreanPartOfSpeechStopFilter.DEFAULT_STOP_TAGS;
        }
        Set<POS.Tag> out = new HashSet<>();
        for (String t : tags) {
            out.add(POS.resolveTag(t));
        }
        return out;
    }

    static final class NoriTokenizerFactory extends AbstractTokenizerFactory {
        private final KoreanTokenizer.DecompoundMode mode;
        private final boolean discardPunctuation;

        NoriTokenizerFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, settings, name);
            this.mode = decompoundMode(settings);
            this.discardPunctuation = settings.getAsBoolean("discard_punctuation", true);
        }

        @Override
        public Tokenizer create() {
            return new KoreanTokenizer(KoreanTokenizer.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, null, mode, false,
                    discardPunctuation);
        }
    }

    static final class PartOfSpeechFilterFactory extends AbstractTokenFilterFactory {
        private final Set<POS.Tag> stopTags;

        PartOfSpeechFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
            this.stopTags = stopTags(settings);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new KoreanPartOfSpeechStopFilter(in, stopTags);
        }
    }

    static final class ReadingFormFilterFactory extends AbstractTokenFilterFactory {
        ReadingFormFilterFactory(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new KoreanReadingFormFilter(in);
        }
    }

    static final class NoriAnalyzerProvider extends AbstractIndexAnalyzerProvider<KoreanAnalyzer> {
        private final KoreanAnalyzer analyzer;

        NoriAnalyzerProvider(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
            this.analyzer = new KoreanAnalyzer(null, decompoundMode(settings), stopTags(settings), false);
        }

        @Override
        public KoreanAnalyzer get() {
            return analyzer;
        }
    }
}
