package io.inlet.projection;

/** When a projection's table follows its events. */
public enum ProjectionMode {
    /** In the append's own transaction: the table is always consistent with the events. */
    INLINE,
    /** Later, by the projector the relay function runs, from a checkpoint: the table lags behind. */
    ASYNC;

    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
