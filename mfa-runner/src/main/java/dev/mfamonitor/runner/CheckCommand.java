package dev.mfamonitor.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mfamonitor.core.Configuration;
import dev.mfamonitor.core.Exemption;
import dev.mfamonitor.core.ExitCode;
import dev.mfamonitor.core.PluginRegistry;
import dev.mfamonitor.core.RunEngine;
import dev.mfamonitor.spi.Account;
import dev.mfamonitor.spi.MfaStatus;
import dev.mfamonitor.spi.SafeText;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code check}: the current status of every account of every monitor; no state read or written, nothing sent. */
@Command(name = "check", description = "Print the current MFA status of every account; reads and writes no state, sends nothing.")
final class CheckCommand extends ConfiguredCommand {
    enum Format { table, json, csv }

    @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--fail-on-missing-mfa", description = "Exit 1 when an account without an active exception lacks MFA.")
    boolean failOnMissingMfa;

    private record Row(String monitor, String service, Account account, Optional<Exemption> exemption) {
    }

    @Override
    protected ExitCode call(Configuration configuration, PluginRegistry registry) {
        Optional<RunEngine> created = createEngine(configuration, registry);
        if (created.isEmpty()) {
            return ExitCode.USAGE;
        }
        try (RunEngine engine = created.get()) {
            Instant now = Instant.now();
            List<Row> rows = new ArrayList<>();
            boolean failed = false;
            for (RunEngine.CheckResult result : engine.check()) {
                if (result.failure().isPresent()) {
                    failed = true;
                    log.error("monitor '{}' failed: {}", result.monitorId(), result.failure().get());
                    continue;
                }
                var snapshot = result.snapshot().orElseThrow();
                snapshot.gaps().forEach(gap -> log.warn("monitor '{}' could not see {}: {}", result.monitorId(), gap.scope(), gap.reason()));
                failed |= !snapshot.gaps().isEmpty();
                for (Account account : snapshot.accounts()) {
                    Optional<Exemption> exemption = engine.policy().exemptionFor(result.monitorId(), account, now);
                    rows.add(new Row(result.monitorId(), snapshot.service(), account, exemption));
                }
            }
            System.out.print(switch (format) {
                case table -> table(rows);
                case json -> json(rows);
                case csv -> csv(rows);
            });
            boolean findings = rows.stream().anyMatch(r -> r.account().mfa() == MfaStatus.DISABLED && r.exemption().isEmpty());
            if (failed) {
                return ExitCode.INCOMPLETE;
            }
            return failOnMissingMfa && findings ? ExitCode.FINDINGS : ExitCode.OK;
        }
    }

    private static String table(List<Row> rows) {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"MONITOR", "SERVICE", "ACCOUNT", "KIND", "MFA", "NOTE"});
        for (Row row : rows) {
            lines.add(new String[] {SafeText.clean(row.monitor()), SafeText.clean(row.service()),
                    SafeText.clean(row.account().name()), SafeText.clean(row.account().kind()),
                    row.account().mfa().configName(), row.exemption().map(e -> "exception: " + SafeText.clean(e.reason())).orElse("")});
        }
        int[] widths = new int[6];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                text.append(i == line.length - 1 ? line[i] : String.format("%-" + (widths[i] + 2) + "s", line[i]));
            }
            out.append(text.toString().stripTrailing()).append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String json(List<Row> rows) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode array = mapper.createArrayNode();
        for (Row row : rows) {
            ObjectNode node = array.addObject();
            node.put("monitor", row.monitor());
            node.put("service", row.service());
            node.put("id", row.account().id());
            node.put("name", row.account().name());
            node.put("kind", row.account().kind());
            node.put("mfa", row.account().mfa().configName());
            if (!row.account().scope().isEmpty()) {
                node.put("scope", row.account().scope());
            }
            ObjectNode facts = node.putObject("facts");
            row.account().facts().forEach(facts::put);
            row.exemption().ifPresent(e -> node.put("exception", e.reason()));
        }
        return array.toPrettyString() + System.lineSeparator();
    }

    private static String csv(List<Row> rows) {
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder()
                .setHeader("monitor", "service", "id", "name", "kind", "mfa", "exception").get())) {
            for (Row row : rows) {
                printer.printRecord(row.monitor(), row.service(), row.account().id(), row.account().name(),
                        row.account().kind(), row.account().mfa().configName(), row.exemption().map(Exemption::reason).orElse(""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
