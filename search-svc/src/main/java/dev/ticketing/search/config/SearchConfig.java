package dev.ticketing.search.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.ZoneId;

/** Typed settings of search-svc ({@code ticketing.search.*} in application.properties). */
@ConfigMapping(prefix = "ticketing.search")
public interface SearchConfig {

    Index index();

    Paging paging();

    Suggest suggest();

    Rebuild rebuild();

    /** Zone in which a date-only filter such as {@code from=2026-12-01} is read. */
    @WithDefault("Asia/Seoul")
    ZoneId zone();

    interface Index {
        /** The alias every read and every live write goes through. */
        String alias();

        /** Points at the index being filled by a rebuild; live writes go there too while it exists. */
        String rebuildAlias();

        int shards();

        int replicas();

        /** The engine's from + size ceiling; paging beyond it is refused with 400 before reaching the engine. */
        int maxResultWindow();
    }

    interface Paging {
        int defaultSize();

        int maxSize();
    }

    interface Suggest {
        int defaultSize();

        int maxSize();
    }

    interface Rebuild {
        /** Page size asked of booking-svc's catalog (it serves at most 100). */
        int pageSize();
    }
}
