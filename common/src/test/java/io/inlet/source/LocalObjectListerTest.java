package io.inlet.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local source's listing: key order, the prefix, the identity refFor gives, Inlet's temporary files left out. */
class LocalObjectListerTest {

    @TempDir
    Path dir;

    @Test
    void listsTheFilesUnderThePrefixInKeyOrderWithTheIdentityOfRefFor() throws Exception {
        for (String key : List.of("d/a-c.csv", "d/a/x.csv", "d/b.csv", "d/.inlet-1.tmp", "e/z.csv", "d2/y.csv")) write(key);
        LocalFileSource source = new LocalFileSource(dir);
        ObjectLister lister = source.lister().orElseThrow();

        List<ListedObject> seen = new ArrayList<>();
        lister.list("drop", "d/", seen::add);

        assertThat(seen).extracting(o -> o.ref().key()).containsExactly("d/a-c.csv", "d/a/x.csv", "d/b.csv");
        assertThat(seen.get(2).ref()).isEqualTo(source.refFor("drop", dir.resolve("d/b.csv")));
        List<String> d = new ArrayList<>();
        lister.list("drop", "d", o -> d.add(o.ref().key()));
        assertThat(d).containsExactly("d/a-c.csv", "d/a/x.csv", "d/b.csv", "d2/y.csv");
        assertThat(lister.stat("drop", "d/b.csv", null)).get().extracting(ListedObject::ref).isEqualTo(seen.get(2).ref());
        assertThat(lister.stat("drop", "d/none.csv", null)).isEmpty();
    }

    private void write(String key) throws Exception {
        Path p = dir.resolve(key);
        Files.createDirectories(p.getParent());
        Files.write(p, key.getBytes(StandardCharsets.UTF_8));
    }
}
