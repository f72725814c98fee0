package io.inlet.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.failure.PermanentException;
import io.inlet.failure.RetryableException;
import io.inlet.feed.FeedConfigException;
import io.inlet.source.ObjectGoneException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class DispositionTest {

    @Test
    void transientFailuresAreRetried() {
        assertThat(Disposition.of(new RetryableException("lease held"))).isEqualTo(Disposition.RETRY);
        assertThat(Disposition.of(new RuntimeException(new SQLTransientConnectionException("refused")))).isEqualTo(Disposition.RETRY);
        assertThat(Disposition.of(new RuntimeException(new SQLException("Connection refused", "08001")))).isEqualTo(Disposition.RETRY);
        assertThat(Disposition.of(new RuntimeException(new SQLException("terminating connection", "57P01")))).isEqualTo(Disposition.RETRY);
        assertThat(Disposition.of(new IllegalStateException("a bug"))).isEqualTo(Disposition.RETRY);
    }

    @Test
    void permanentFailuresAreGivenUp() {
        assertThat(Disposition.of(new PermanentException("malformed"))).isEqualTo(Disposition.GIVE_UP);
        assertThat(Disposition.of(new FeedConfigException("no feed for drop/x.csv"))).isEqualTo(Disposition.GIVE_UP);
        assertThat(Disposition.of(new UncheckedIOException(new ObjectGoneException("gone")))).isEqualTo(Disposition.GIVE_UP);
        assertThat(Disposition.of(new RuntimeException(new SQLException("duplicate key", "23505")))).isEqualTo(Disposition.RETRY);
    }

    @Test
    void theOutermostInletExceptionDecides() {
        assertThat(Disposition.of(new RetryableException("db down", new PermanentException("inner")))).isEqualTo(Disposition.RETRY);
        assertThat(Disposition.of(new PermanentException("bad", new SQLException("x", "08006")))).isEqualTo(Disposition.GIVE_UP);
    }
}
