package io.inlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inlet.testing.Samples;
import io.inlet.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's "small thing" as the user met it: after `inlet demo`, the commands it advises work
 * exactly as printed (from the demo jar, which runs every `inlet` command), and its work directory is gone.
 */
class DemoAdviceTest {

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = InletDemo.execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Splits a printed command line into words, as a POSIX shell does for words and single quotes. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '\'') quoted = false; else w.append(ch);
            } else if (ch == '\'') {
                quoted = true;
                any = true;
            } else if (ch == '\\' && i + 1 < line.length()) {
                w.append(line.charAt(++i));
                any = true;
            } else if (Character.isWhitespace(ch)) {
                if (any) words.add(w.toString());
                w.setLength(0);
                any = false;
            } else {
                w.append(ch);
                any = true;
            }
        }
        if (any) words.add(w.toString());
        return words;
    }

    @Test
    void theCommandsTheDemoAdvisesWorkExactlyAsPrintedAndItsWorkDirectoryIsGone() {
        assertThat(Files.exists(Path.of("feeds.yaml"))).as("the test runs where no feeds file is").isFalse();
        String url = TestDatabase.settingsFor(TestDatabase.fresh(List.copyOf(Samples.feeds().eventTables()))).url();
        Run demo = run("demo", "--database-url", url);
        assertThat(demo.code()).as(demo.toString()).isZero();
        Matcher removed = Pattern.compile("the work directory (\\S+) is removed now").matcher(demo.out());
        assertThat(removed.find()).as(demo.out()).isTrue();
        assertThat(Path.of(removed.group(1))).doesNotExist();
        List<String> advice = demo.out().lines().dropWhile(l -> !l.startsWith("Look around")).skip(1)
                .filter(l -> l.startsWith("  inlet ")).toList();
        assertThat(advice).hasSize(3);
        for (String line : advice) {
            List<String> w = words(line.trim());
            Run r = run(w.subList(1, w.size()).toArray(String[]::new));
            assertThat(r.code()).as(line + "\n" + r).isZero();
        }
        assertThat(run(words(advice.get(1).trim()).subList(1, 5).toArray(String[]::new)).out())
                .contains("acme/orders-malformed.csv").containsPattern("[1-9]\\d* rejected record\\(s\\)");
    }
}
